"""Cases for "the same figure" (archive.diff.sameness), written for these tests: a source's
figure that was revised, and an article citing the source that mentions the same value, in the
same sense (a true finding) or in another (a coincidence that must make none).

Each case: (source language, source sentence, the source's figure, article language, article
sentence, the article's figure, same?). Used by tests/test_stale_precision.py, which measures
precision and recall over them (README: Stale figures).
"""

CASES = [
    # -- the same figure: one language -----------------------------------------------------
    ("en", "The ministry said 2,783 residents were injured in the floods.", "2,783",
     "en", "Officials say 2,783 residents have been injured since the river burst.", "2,783",
     True),
    ("en", "Shelters now hold 1,946 families from the lowland villages.", "1,946",
     "en", "Some 1,946 families are sleeping in shelters tonight.", "1,946", True),
    ("en", "Losses are estimated at €12.5 million for the farming sector.", "€12.5 million",
     "en", "Farmers face losses of €12.5 million, the estimate shows.", "€12.5 million", True),
    ("en", "Turnout reached 63.4% in the capital, the commission said.", "63.4%",
     "en", "The commission put turnout in the capital at 63.4%.", "63.4%", True),
    ("en", "Ninety-four people died and 412 homes were destroyed.", "412",
     "en", "The storm destroyed 412 homes along the coast.", "412", True),
    ("en", "The flood killed 94 people in the northern districts.", "94",
     "en", "At least 94 people were killed by the flood in northern districts.", "94", True),
    ("ru", "По данным министерства, пострадали 2 783 человека.", "2 783",
     "ru", "Министерство сообщает, что 2 783 человека пострадали от наводнения.", "2 783",
     True),
    ("de", "Nach Angaben des Ministeriums wurden 2.783 Menschen verletzt.", "2.783",
     "de", "Das Ministerium zählt inzwischen 2.783 Verletzte und Menschen in Notunterkünften.",
     "2.783", True),
    ("en", "Repairs will be finished by 14 November, the agency said.", "14 November",
     "en", "The agency expects repairs to be finished by 14 November.", "14 November", True),
    # -- the same figure: across languages (a distinctive value) ---------------------------
    ("az", "Nazirliyin məlumatına görə, 2.783 sakin xəsarət alıb.", "2.783",
     "en", "The Azerbaijani ministry says 2,783 residents were injured.", "2,783", True),
    ("ru", "Ущерб оценивается в 1,2 млн рублей.", "1,2 млн рублей",
     "en", "Damage is put at 1.2 million roubles.", "1.2 million", False),  # money vs number
    ("tr", "Bakanlığa göre 1.946 aile geçici barınaklara yerleştirildi.", "1.946",
     "en", "The ministry says 1,946 families were moved to temporary shelters.", "1,946", True),
    ("ar", "أعلنت الوزارة إصابة ٢٧٨٣ شخصا في الفيضانات.", "٢٧٨٣",
     "en", "The ministry reported 2,783 people injured in the floods.", "2,783", True),
    ("fr", "Le ministère fait état de 2\u202f783 blessés.", "2\u202f783",
     "en", "The French ministry counts 2,783 injured.", "2,783", True),
    # -- coincidences: the same value in another sense --------------------------------------
    ("en", "The ministry said 2,783 residents were injured in the floods.", "2,783",
     "en", "Growers estimate that 2,783 hectares of orchards stood under water.", "2,783",
     False),
    ("en", "Shelters now hold 1,946 families from the lowland villages.", "1,946",
     "en", "The railway closed 1,946 metres of track near the bridge.", "1,946", False),
    ("en", "The flood killed 94 people in the northern districts.", "94",
     "en", "Route 94 remains closed to traffic north of the bridge.", "94", False),
    ("en", "The flood killed 94 people in the northern districts.", "94",
     "en", "The ministry's statement, published on page 94 of the gazette, lists the dead.",
     "94", False),
    ("en", "Officials counted 2,026 damaged roofs in the valley.", "2,026",
     "en", "The dam is due to be rebuilt in 2026, officials said.", "2026", False),
    ("en", "About 300 volunteers joined the rescue teams on Monday.", "300",
     "en", "The town's 300 shops stayed shut on Monday.", "300", False),
    ("en", "About 300 volunteers joined the rescue teams on Monday.", "300",
     "en", "Read more: 300 words on the history of the river.", "300", False),
    ("en", "Turnout reached 63.4% in the capital, the commission said.", "63.4%",
     "en", "Prices in the capital rose 63.4% over a decade.", "63.4%", False),
    ("en", "Repairs will be finished by 14 November, the agency said.", "14 November",
     "en", "The festival, held every year on 14 November, was cancelled.", "14 November",
     False),
    ("en", "The flood killed 12 people, the ministry said.", "12",
     "en", "The ministry listed 12 districts under an evacuation order.", "12", False),
    ("en", "Losses are estimated at €12.5 million for the farming sector.", "€12.5 million",
     "en", "The new stadium cost $12.5 million.", "$12.5 million", False),
    ("en", "The ministry said 1,400 residents were evacuated.", "1,400",
     "en", "A crowd of 1,400 gathered for the football match.", "1,400", False),
    ("az", "Nazirliyin məlumatına görə, 2.783 sakin xəsarət alıb.", "2.783",
     "en", "The Azerbaijani ministry says the flood hit 2,019 homes.", "2,019", False),
    # -- the same figure, missed by design: a common value across languages ------------------
    ("az", "Nazirliyin məlumatına görə, 94 sakin həlak olub.", "94",
     "en", "The flood killed 94 residents, the Azerbaijani ministry said.", "94", True),
]
