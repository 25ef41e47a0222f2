filedesc://heritrix.arc 0.0.0.0 20261103093000 text/plain 69
1 0 Heritrix
URL IP-address Archive-date Content-type Archive-length

http://harbour.example/news/north-quay 192.0.2.10 20261103093000 text/html 521
HTTP/1.1 200 OK
Content-Type: text/html; charset=utf-8
Content-Length: 441

<!DOCTYPE html><html><head><title>North quay reopens after storm repairs</title></head><body><article><h1>North quay reopens after storm repairs</h1><p>The harbour authority reopened the north quay on Tuesday, six weeks after the October storm tore away 140 metres of its timber decking.</p><p>Repairs cost 2.3 million, the authority said, and ferries to the outer islands resume their winter timetable on Friday.</p></article></body></html>
