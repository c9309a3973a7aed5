"""The demo city: Sofia's departments, categories, routing rules and sample texts (all @example.org)."""

from app.kinds import Kind

TRIAGE = "CC"

# code: (bg, en, ru, email, is_triage)
DEPARTMENTS = {
    "CC": ("Контактен център на Столична община", "Sofia Municipality Contact Centre",
           "Контактный центр Столичной общины", "contact-centre@example.org", True),
    "INFRA": ("Дирекция „Инженерна инфраструктура“", "Engineering Infrastructure Directorate",
              "Дирекция «Инженерная инфраструктура»", "infrastructure@example.org", False),
    "CLEAN": ("Дирекция „Чистота“", "Cleanliness Directorate", "Дирекция «Чистота»", "cleanliness@example.org", False),
    "GREEN": ("Дирекция „Зелена система“", "Green System Directorate", "Дирекция «Зелёная система»",
              "green-system@example.org", False),
    "INSPECT": ("Столичен инспекторат", "Sofia Municipal Inspectorate", "Столичный инспекторат",
                "inspectorate@example.org", False),
    "MOBILITY": ("Център за градска мобилност", "Urban Mobility Centre", "Центр городской мобильности",
                 "mobility@example.org", False),
    "ANIMALS": ("Общинско предприятие „Екоравновесие“", "Municipal Enterprise Ecoravnovesie",
                "Муниципальное предприятие «Экоравновесие»", "ecoravnovesie@example.org", False),
    "ADMIN": ("Дирекция „Административно обслужване“", "Administrative Services Directorate",
              "Дирекция «Административное обслуживание»", "admin-services@example.org", False),
    "LEGAL": ("Дирекция „Правно-нормативно обслужване“", "Legal and Regulatory Directorate",
              "Дирекция «Правовое и нормативное обслуживание»", "legal@example.org", False),
    "R01": ("Район „Средец“", "Sredets District Administration", "Администрация района «Средец»",
            "sredets@example.org", False),
    "R06": ("Район „Подуяне“", "Poduyane District Administration", "Администрация района «Подуяне»",
            "poduyane@example.org", False),
    "R15": ("Район „Младост“", "Mladost District Administration", "Администрация района «Младост»",
            "mladost@example.org", False),
    "R19": ("Район „Люлин“", "Lyulin District Administration", "Администрация района «Люлин»",
            "lyulin@example.org", False),
}

# code: (kind, department, bg, en, ru)
CATEGORIES = {
    "potholes": (Kind.problem, "INFRA", "Дупки по пътната настилка", "Potholes", "Ямы на дороге"),
    "street-lighting": (Kind.problem, "INFRA", "Улично осветление", "Street lighting", "Уличное освещение"),
    "water-leaks": (Kind.problem, "INFRA", "Теч на вода", "Water leaks", "Утечка воды"),
    "waste": (Kind.problem, "CLEAN", "Отпадъци и сметосъбиране", "Waste and collection", "Мусор и вывоз отходов"),
    "snow": (Kind.problem, "CLEAN", "Снегопочистване", "Snow clearing", "Уборка снега"),
    "green-areas": (Kind.problem, "GREEN", "Зелени площи и дървета", "Green areas and trees",
                    "Зелёные зоны и деревья"),
    "playgrounds": (Kind.problem, "GREEN", "Детски площадки", "Playgrounds", "Детские площадки"),
    "illegal-parking": (Kind.problem, "MOBILITY", "Неправилно паркиране", "Illegal parking",
                        "Неправильная парковка"),
    "abandoned-cars": (Kind.problem, "INSPECT", "Изоставени автомобили", "Abandoned cars",
                       "Брошенные автомобили"),
    "noise": (Kind.problem, "INSPECT", "Шум", "Noise", "Шум"),
    "graffiti": (Kind.problem, "INSPECT", "Графити и вандализъм", "Graffiti and vandalism", "Граффити и вандализм"),
    "stray-animals": (Kind.problem, "ANIMALS", "Безстопанствени животни", "Stray animals", "Бездомные животные"),
    "general-question": (Kind.question, "CC", "Общ въпрос", "General question", "Общий вопрос"),
    "letter": (Kind.letter, "ADMIN", "Писмо до Столична община", "Letter to the municipality",
               "Письмо в Столичную общину"),
    "complaint": (Kind.complaint, "ADMIN", "Жалба", "Complaint", "Жалоба"),
    "proposal": (Kind.proposal, "ADMIN", "Предложение", "Proposal", "Предложение"),
    "public-information": (Kind.info_request, "LEGAL", "Заявление за достъп до обществена информация",
                           "Request for access to public information",
                           "Запрос на доступ к общественной информации"),
}

# (category, district code, department): district administrations handle some local matters.
DISTRICT_RULES = [
    ("green-areas", "01", "R01"), ("snow", "01", "R01"),
    ("playgrounds", "06", "R06"),
    ("green-areas", "15", "R15"), ("playgrounds", "15", "R15"),
    ("waste", "19", "R19"),
]

TITLES = {
    "potholes": ["Дълбока дупка на платното", "Пропаднала шахта", "Разбит асфалт пред входа"],
    "street-lighting": ["Не свети уличната лампа", "Цялата улица е на тъмно", "Мигаща лампа на кръстовището"],
    "water-leaks": ["Тече вода от шахта", "Спукана тръба на тротоара"],
    "waste": ["Препълнени контейнери", "Изхвърлени строителни отпадъци", "Неизвозен боклук от седмица"],
    "snow": ["Непочистен тротоар", "Заледена спирка"],
    "green-areas": ["Паднал клон на алеята", "Неокосена трева в парка", "Сухо дърво до детската градина"],
    "playgrounds": ["Счупена люлка", "Липсващи плочки под пързалката"],
    "illegal-parking": ["Паркирани коли на тротоара", "Кола блокира пешеходна пътека"],
    "abandoned-cars": ["Изоставен автомобил без номера", "Ръждясал бус от месеци"],
    "noise": ["Шум от заведение след 23 ч.", "Нощни ремонти в жилищен блок"],
    "graffiti": ["Графити по фасадата на училище", "Надписи по спирката"],
    "stray-animals": ["Глутница кучета край училището", "Ранено куче на улицата"],
}
DESCRIPTION = "Сигнал от демонстрационните данни. Моля, проверете на място и предприемете мерки."
# Why a demo item was rejected or left without consideration (every such ending says why).
REASONS = {
    "rejected": "Мястото е частен имот: общината не отговаря за поддръжката му.",
    "left_without_consideration": "Подателят не е уточнил мястото в срок.",
}
