"""Demo data: one organization with about 300 members, three programs, two cohorts each.

Deterministic (one seeded generator; dates are relative to today) and fast: rows are written
with bulk_create, and membership histories are written directly instead of through the
services, so no notification is sent to a demo member.
"""

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lodestar.accounts.choices import (
    PREFER_NOT_TO_SAY,
    ConversationMode,
    FeedbackStyle,
    Format,
    LearningStyle,
    MeetingStructure,
    Proficiency,
    SkillKind,
)
from lodestar.accounts.models import (
    AvailabilityWindow,
    DemographicAnswer,
    DemographicQuestion,
    Profile,
    ProfileLanguage,
    Skill,
    SkillCategory,
    User,
    UserSkill,
)
from lodestar.core.models import AuditLog
from lodestar.core.seeding import keep_timestamps, run_demo_seeders
from lodestar.matching.demo import seed_matches
from lodestar.mentoring.demo import seed_histories
from lodestar.programs import services
from lodestar.programs.models import (
    Cohort,
    IntakeAnswer,
    IntakeQuestion,
    Invitation,
    Membership,
    MembershipTransition,
    Milestone,
    OnboardingCompletion,
    OnboardingItem,
    Program,
    Role,
    Track,
)
from lodestar.programs.states import ADMITTED_STATUSES, Status

SEED = 2026
MEMBERS = 296  # plus the four demo logins
# Printed at the end on purpose: these accounts exist only in demo databases.
PASSWORD = "lodestar-demo-2026"  # noqa: S105
COORDINATOR_EMAIL = "coordinator@demo.lodestar.test"
MENTOR_EMAIL = "mentor@demo.lodestar.test"
MENTEE_EMAIL = "mentee@demo.lodestar.test"
ADMIN_EMAIL = "admin@demo.lodestar.test"

FLUENT, NATIVE = Proficiency.FLUENT.value, Proficiency.NATIVE.value
CONVERSATIONAL, BASIC = Proficiency.CONVERSATIONAL.value, Proficiency.BASIC.value

# The tables down to COHORT_PLAN are laid out by hand: the formatter would give every name
# its own line.
# fmt: off

# ---------------------------------------------------------------------------------------------
# People: where they live, what they are called, which languages they speak.
# Each city carries its time zone and the languages most people there speak natively;
# "english" is (probability of speaking English, the usual proficiency).
# ---------------------------------------------------------------------------------------------
LOCALES: dict[str, dict[str, Any]] = {
    "us": {
        "weight": 26,
        "english": (1.0, NATIVE),
        "cities": [
            ("New York", "USA", "America/New_York", []),
            ("Atlanta", "USA", "America/New_York", []),
            ("Washington, DC", "USA", "America/New_York", []),
            ("Chicago", "USA", "America/Chicago", []),
            ("Austin", "USA", "America/Chicago", []),
            ("Denver", "USA", "America/Denver", []),
            ("Phoenix", "USA", "America/Phoenix", []),
            ("Oakland", "USA", "America/Los_Angeles", []),
            ("Seattle", "USA", "America/Los_Angeles", []),
        ],
        "women": ["Ashley", "Jasmine", "Emily", "Keisha", "Brianna", "Rachel", "Tanisha", "Megan"],
        "men": ["Michael", "DeShawn", "Tyler", "Marcus", "Brandon", "Kevin", "Andre", "Matthew"],
        "neutral": ["Taylor", "Riley", "Casey", "Jamie", "Morgan", "Avery"],
        "last": ["Johnson", "Williams", "Brown", "Davis", "Washington", "Jackson", "Robinson",
                 "Cohen", "Goldberg", "Rivera", "Begay", "Yazzie", "Kim", "Nguyen", "Miller"],
    },
    "us_latinx": {
        "weight": 8,
        "english": (1.0, NATIVE),
        "cities": [
            ("Miami", "USA", "America/New_York", [("es", NATIVE)]),
            ("Houston", "USA", "America/Chicago", [("es", NATIVE)]),
            ("San Antonio", "USA", "America/Chicago", [("es", FLUENT)]),
            ("Los Angeles", "USA", "America/Los_Angeles", [("es", NATIVE)]),
        ],
        "women": ["María", "Guadalupe", "Daniela", "Gabriela", "Yesenia", "Marisol"],
        "men": ["José", "Carlos", "Luis", "Alejandro", "Jorge", "Ramón"],
        "neutral": [],
        "last": ["Hernández", "Rodríguez", "González", "Ramírez", "Torres", "Flores", "Morales"],
    },
    "ca": {
        "weight": 7,
        "english": (1.0, NATIVE),
        "cities": [
            ("Toronto", "Canada", "America/Toronto", []),
            ("Montréal", "Canada", "America/Toronto", [("fr", NATIVE)]),
            ("Vancouver", "Canada", "America/Vancouver", []),
            ("Calgary", "Canada", "America/Edmonton", []),
            ("Halifax", "Canada", "America/Halifax", []),
            ("Winnipeg", "Canada", "America/Winnipeg", []),
        ],
        "women": ["Chloe", "Simran", "Émilie", "Hannah", "Mei"],
        "men": ["Ethan", "Noah", "Gurpreet", "Mathieu", "Liam"],
        "neutral": ["Jordan", "Quinn"],
        "last": ["Tremblay", "Gagnon", "MacDonald", "Singh", "Wong", "Roy", "Thompson", "Grewal"],
    },
    "caribbean": {
        "weight": 4,
        "english": (1.0, NATIVE),
        "cities": [
            ("Kingston", "Jamaica", "America/Jamaica", []),
            ("Port of Spain", "Trinidad and Tobago", "America/Port_of_Spain", []),
        ],
        "women": ["Shanice", "Tamika", "Kerry-Ann", "Alisha"],
        "men": ["Marlon", "Dwayne", "Andre", "Kemar"],
        "neutral": [],
        "last": ["Campbell", "Brown", "Williams", "Ramdass", "Maharaj", "Clarke", "Gordon"],
    },
    "latam": {
        "weight": 18,
        "english": (0.7, CONVERSATIONAL),
        "cities": [
            ("Mexico City", "Mexico", "America/Mexico_City", [("es", NATIVE)]),
            ("Guadalajara", "Mexico", "America/Mexico_City", [("es", NATIVE)]),
            ("Monterrey", "Mexico", "America/Monterrey", [("es", NATIVE)]),
            ("Bogotá", "Colombia", "America/Bogota", [("es", NATIVE)]),
            ("Medellín", "Colombia", "America/Bogota", [("es", NATIVE)]),
            ("Lima", "Peru", "America/Lima", [("es", NATIVE)]),
            ("Buenos Aires", "Argentina", "America/Argentina/Buenos_Aires", [("es", NATIVE)]),
            ("Santiago", "Chile", "America/Santiago", [("es", NATIVE)]),
            ("Quito", "Ecuador", "America/Guayaquil", [("es", NATIVE)]),
            ("Guatemala City", "Guatemala", "America/Guatemala", [("es", NATIVE)]),
            ("San José", "Costa Rica", "America/Costa_Rica", [("es", NATIVE)]),
        ],
        "women": ["Valentina", "Camila", "Sofía", "Ximena", "Renata", "Fernanda", "Mariana"],
        "men": ["Santiago", "Mateo", "Sebastián", "Andrés", "Felipe", "Emiliano", "Joaquín"],
        "neutral": [],
        "last": ["González", "Gómez", "Díaz", "Vargas", "Castillo", "Rojas", "Quispe", "Mamani",
                 "Herrera", "Jiménez", "Salazar"],
    },
    "br": {
        "weight": 12,
        "english": (0.75, CONVERSATIONAL),
        "cities": [
            ("São Paulo", "Brazil", "America/Sao_Paulo", [("pt", NATIVE)]),
            ("Rio de Janeiro", "Brazil", "America/Sao_Paulo", [("pt", NATIVE)]),
            ("Belo Horizonte", "Brazil", "America/Sao_Paulo", [("pt", NATIVE)]),
            ("Recife", "Brazil", "America/Recife", [("pt", NATIVE)]),
            ("Porto Alegre", "Brazil", "America/Sao_Paulo", [("pt", NATIVE)]),
        ],
        "women": ["Ana Luiza", "Juliana", "Larissa", "Thaís", "Bruna", "Gabriela"],
        "men": ["Rafael", "Gustavo", "Thiago", "Bruno", "Caio", "Felipe"],
        "neutral": [],
        "last": ["Silva", "Souza", "Oliveira", "Lima", "Carvalho", "Ribeiro", "Barbosa",
                 "Nascimento", "Araújo"],
    },
    "uk_ie": {
        "weight": 18,
        "english": (1.0, NATIVE),
        "cities": [
            ("London", "UK", "Europe/London", []),
            ("Manchester", "UK", "Europe/London", []),
            ("Edinburgh", "UK", "Europe/London", []),
            ("Bristol", "UK", "Europe/London", []),
            ("Cardiff", "UK", "Europe/London", []),
            ("Dublin", "Ireland", "Europe/Dublin", []),
            ("Cork", "Ireland", "Europe/Dublin", []),
        ],
        "women": ["Charlotte", "Siobhan", "Grace", "Niamh", "Aoife", "Olivia", "Eleanor"],
        "men": ["James", "Oliver", "Callum", "Tom", "Rhys", "Daniel", "Ciarán"],
        "neutral": ["Alex", "Sam", "Robin", "Charlie"],
        "last": ["Smith", "O'Brien", "Walsh", "Evans", "Campbell", "Murphy", "Hughes", "Clarke",
                 "Patel", "Begum", "Okoro", "Nowak"],
    },
    "fr_be": {
        "weight": 9,
        "english": (0.85, CONVERSATIONAL),
        "cities": [
            ("Paris", "France", "Europe/Paris", [("fr", NATIVE)]),
            ("Lyon", "France", "Europe/Paris", [("fr", NATIVE)]),
            ("Marseille", "France", "Europe/Paris", [("fr", NATIVE)]),
            ("Toulouse", "France", "Europe/Paris", [("fr", NATIVE)]),
            ("Brussels", "Belgium", "Europe/Brussels", [("fr", NATIVE), ("nl", CONVERSATIONAL)]),
        ],
        "women": ["Léa", "Chloé", "Manon", "Inès", "Élodie", "Amélie"],
        "men": ["Lucas", "Hugo", "Théo", "Julien", "Antoine", "Karim"],
        "neutral": ["Camille", "Dominique"],
        "last": ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Benali", "Diallo"],
    },
    "fr_africa": {
        "weight": 8,
        "english": (0.55, CONVERSATIONAL),
        "cities": [
            ("Dakar", "Senegal", "Africa/Dakar", [("fr", FLUENT)]),
            ("Abidjan", "Côte d'Ivoire", "Africa/Abidjan", [("fr", NATIVE)]),
            ("Douala", "Cameroon", "Africa/Douala", [("fr", NATIVE)]),
            ("Kinshasa", "DR Congo", "Africa/Kinshasa", [("fr", FLUENT)]),
        ],
        "women": ["Aminata", "Fatou", "Awa", "Mariama", "Aïssatou"],
        "men": ["Moussa", "Ousmane", "Mamadou", "Cheikh", "Ibrahima"],
        "neutral": [],
        "last": ["Diop", "Ndiaye", "Sow", "Traoré", "Koné", "Ba", "Mbaye", "Kouassi"],
    },
    "de": {
        "weight": 8,
        "english": (0.95, FLUENT),
        "cities": [
            ("Berlin", "Germany", "Europe/Berlin", [("de", NATIVE)]),
            ("Munich", "Germany", "Europe/Berlin", [("de", NATIVE)]),
            ("Hamburg", "Germany", "Europe/Berlin", [("de", NATIVE)]),
            ("Cologne", "Germany", "Europe/Berlin", [("de", NATIVE)]),
            ("Vienna", "Austria", "Europe/Vienna", [("de", NATIVE)]),
            ("Zürich", "Switzerland", "Europe/Zurich", [("de", NATIVE)]),
        ],
        "women": ["Lena", "Johanna", "Katharina", "Mia", "Anna"],
        "men": ["Jonas", "Lukas", "Felix", "Tobias", "Maximilian"],
        "neutral": ["Kim", "Luca"],
        "last": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Yılmaz"],
    },
    "nl": {
        "weight": 5,
        "english": (1.0, FLUENT),
        "cities": [
            ("Amsterdam", "Netherlands", "Europe/Amsterdam", [("nl", NATIVE)]),
            ("Rotterdam", "Netherlands", "Europe/Amsterdam", [("nl", NATIVE)]),
            ("Utrecht", "Netherlands", "Europe/Amsterdam", [("nl", NATIVE)]),
        ],
        "women": ["Sanne", "Fleur", "Anouk", "Lotte"],
        "men": ["Daan", "Bram", "Thijs", "Jeroen"],
        "neutral": ["Noa"],
        "last": ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "de Boer"],
    },
    "se": {
        "weight": 4,
        "english": (1.0, FLUENT),
        "cities": [
            ("Stockholm", "Sweden", "Europe/Stockholm", [("sv", NATIVE)]),
            ("Gothenburg", "Sweden", "Europe/Stockholm", [("sv", NATIVE)]),
            ("Malmö", "Sweden", "Europe/Stockholm", [("sv", NATIVE)]),
        ],
        "women": ["Astrid", "Ingrid", "Elin", "Saga"],
        "men": ["Erik", "Lars", "Oskar", "Nils"],
        "neutral": [],
        "last": ["Andersson", "Johansson", "Lindqvist", "Nilsson", "Berg"],
    },
    "es": {
        "weight": 9,
        "english": (0.9, FLUENT),
        "cities": [
            ("Madrid", "Spain", "Europe/Madrid", [("es", NATIVE)]),
            ("Barcelona", "Spain", "Europe/Madrid", [("es", NATIVE)]),
            ("Valencia", "Spain", "Europe/Madrid", [("es", NATIVE)]),
            ("Seville", "Spain", "Europe/Madrid", [("es", NATIVE)]),
        ],
        "women": ["Carmen", "Marta", "Paula", "Elena", "Nerea", "Irene"],
        "men": ["Pablo", "Javier", "Álvaro", "Sergio", "Diego"],
        "neutral": [],
        "last": ["García", "López", "Martínez", "Sánchez", "Romero", "Navarro", "Ruiz"],
    },
    "pt": {
        "weight": 5,
        "english": (0.95, FLUENT),
        "cities": [
            ("Lisbon", "Portugal", "Europe/Lisbon", [("pt", NATIVE)]),
            ("Porto", "Portugal", "Europe/Lisbon", [("pt", NATIVE)]),
        ],
        "women": ["Inês", "Beatriz", "Mariana", "Catarina"],
        "men": ["João", "Tiago", "Rui", "Duarte"],
        "neutral": [],
        "last": ["Santos", "Ferreira", "Pereira", "Costa", "Rodrigues", "Almeida"],
    },
    "it": {
        "weight": 5,
        "english": (0.85, CONVERSATIONAL),
        "cities": [
            ("Milan", "Italy", "Europe/Rome", [("it", NATIVE)]),
            ("Rome", "Italy", "Europe/Rome", [("it", NATIVE)]),
            ("Turin", "Italy", "Europe/Rome", [("it", NATIVE)]),
            ("Bologna", "Italy", "Europe/Rome", [("it", NATIVE)]),
        ],
        "women": ["Giulia", "Chiara", "Francesca", "Sara"],
        "men": ["Marco", "Luca", "Matteo", "Davide"],
        "neutral": [],
        "last": ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Conti"],
    },
    "pl": {
        "weight": 5,
        "english": (0.9, FLUENT),
        "cities": [
            ("Warsaw", "Poland", "Europe/Warsaw", [("pl", NATIVE)]),
            ("Kraków", "Poland", "Europe/Warsaw", [("pl", NATIVE)]),
            ("Wrocław", "Poland", "Europe/Warsaw", [("pl", NATIVE)]),
        ],
        "women": ["Zofia", "Katarzyna", "Agnieszka", "Magdalena"],
        "men": ["Piotr", "Jakub", "Tomasz", "Michał"],
        "neutral": [],
        "last": ["Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Zając"],
    },
    "ua": {
        "weight": 6,
        "english": (0.85, FLUENT),
        "cities": [
            ("Kyiv", "Ukraine", "Europe/Kyiv", [("uk", NATIVE)]),
            ("Lviv", "Ukraine", "Europe/Kyiv", [("uk", NATIVE), ("pl", BASIC)]),
            ("Kharkiv", "Ukraine", "Europe/Kyiv", [("uk", NATIVE), ("ru", FLUENT)]),
        ],
        "women": ["Olena", "Iryna", "Oksana", "Daria", "Yulia"],
        "men": ["Andriy", "Dmytro", "Oleksandr", "Taras", "Bohdan"],
        "neutral": [],
        "last": ["Shevchenko", "Bondarenko", "Kovalenko", "Tkachenko", "Melnyk", "Boyko"],
    },
    "tr": {
        "weight": 5,
        "english": (0.85, FLUENT),
        "cities": [
            ("Istanbul", "Türkiye", "Europe/Istanbul", [("tr", NATIVE)]),
            ("Ankara", "Türkiye", "Europe/Istanbul", [("tr", NATIVE)]),
            ("İzmir", "Türkiye", "Europe/Istanbul", [("tr", NATIVE)]),
        ],
        "women": ["Elif", "Zeynep", "Defne", "Ayşe", "Selin"],
        "men": ["Emre", "Mehmet", "Burak", "Can", "Kerem"],
        "neutral": [],
        "last": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk"],
    },
    "ng": {
        "weight": 16,
        "english": (1.0, NATIVE),
        "cities": [
            ("Lagos", "Nigeria", "Africa/Lagos", [("yo", NATIVE)]),
            ("Ibadan", "Nigeria", "Africa/Lagos", [("yo", NATIVE)]),
            ("Abuja", "Nigeria", "Africa/Lagos", []),
            ("Enugu", "Nigeria", "Africa/Lagos", []),
            ("Port Harcourt", "Nigeria", "Africa/Lagos", []),
        ],
        "women": ["Folake", "Titilayo", "Yetunde", "Chiamaka", "Adaeze", "Ngozi", "Nneka"],
        "men": ["Babatunde", "Oluwaseun", "Adewale", "Chinedu", "Emeka", "Obinna", "Ikenna"],
        "neutral": ["Tobi", "Temitope"],
        "last": ["Adeyemi", "Ogunleye", "Balogun", "Adebayo", "Okafor", "Eze", "Nwosu",
                 "Okonkwo", "Nwankwo", "Akinola"],
    },
    "gh": {
        "weight": 8,
        "english": (1.0, NATIVE),
        "cities": [
            ("Accra", "Ghana", "Africa/Accra", []),
            ("Kumasi", "Ghana", "Africa/Accra", []),
            ("Tamale", "Ghana", "Africa/Accra", []),
        ],
        "women": ["Ama", "Akosua", "Abena", "Efua", "Adwoa"],
        "men": ["Kwame", "Kofi", "Yaw", "Kwabena", "Kojo"],
        "neutral": ["Esi"],
        "last": ["Mensah", "Owusu", "Asante", "Boateng", "Osei", "Agyeman", "Appiah", "Darko"],
    },
    "east_africa": {
        "weight": 16,
        "english": (1.0, FLUENT),
        "cities": [
            ("Nairobi", "Kenya", "Africa/Nairobi", [("sw", NATIVE)]),
            ("Mombasa", "Kenya", "Africa/Nairobi", [("sw", NATIVE)]),
            ("Kisumu", "Kenya", "Africa/Nairobi", [("sw", FLUENT)]),
            ("Dar es Salaam", "Tanzania", "Africa/Dar_es_Salaam", [("sw", NATIVE)]),
            ("Arusha", "Tanzania", "Africa/Dar_es_Salaam", [("sw", NATIVE)]),
            ("Kampala", "Uganda", "Africa/Kampala", [("sw", CONVERSATIONAL)]),
            ("Kigali", "Rwanda", "Africa/Kigali", [("fr", CONVERSATIONAL), ("sw", BASIC)]),
        ],
        "women": ["Wanjiku", "Achieng", "Njeri", "Neema", "Zawadi", "Aisha", "Nakato"],
        "men": ["Otieno", "Kamau", "Baraka", "Juma", "Omondi", "Jabari", "Mugisha"],
        "neutral": ["Amani", "Imani"],
        "last": ["Odhiambo", "Mwangi", "Kiprono", "Mutua", "Njoroge", "Massawe", "Kimaro",
                 "Okello", "Habimana", "Uwase"],
    },
    "za": {
        "weight": 7,
        "english": (1.0, NATIVE),
        "cities": [
            ("Johannesburg", "South Africa", "Africa/Johannesburg", []),
            ("Cape Town", "South Africa", "Africa/Johannesburg", []),
            ("Durban", "South Africa", "Africa/Johannesburg", []),
        ],
        "women": ["Thandiwe", "Naledi", "Lerato", "Zanele", "Palesa", "Anika"],
        "men": ["Sipho", "Thabo", "Lwazi", "Mandla", "Pieter", "Kagiso"],
        "neutral": [],
        "last": ["Nkosi", "Dlamini", "Mokoena", "Ndlovu", "Khumalo", "van der Merwe", "Naidoo",
                 "Pillay"],
    },
    "maghreb": {
        "weight": 7,
        "english": (0.7, CONVERSATIONAL),
        "cities": [
            ("Casablanca", "Morocco", "Africa/Casablanca", [("ar", NATIVE), ("fr", FLUENT)]),
            ("Rabat", "Morocco", "Africa/Casablanca", [("ar", NATIVE), ("fr", FLUENT)]),
            ("Tunis", "Tunisia", "Africa/Tunis", [("ar", NATIVE), ("fr", FLUENT)]),
            ("Algiers", "Algeria", "Africa/Algiers", [("ar", NATIVE), ("fr", FLUENT)]),
        ],
        "women": ["Yasmine", "Salma", "Imane", "Meriem", "Samira"],
        "men": ["Youssef", "Mehdi", "Anas", "Hamza", "Amine"],
        "neutral": ["Nour"],
        "last": ["El Amrani", "Bennani", "Haddad", "Trabelsi", "Mansouri", "Alaoui", "Benali"],
    },
    "mashriq": {
        "weight": 8,
        "english": (0.9, FLUENT),
        "cities": [
            ("Cairo", "Egypt", "Africa/Cairo", [("ar", NATIVE)]),
            ("Alexandria", "Egypt", "Africa/Cairo", [("ar", NATIVE)]),
            ("Amman", "Jordan", "Asia/Amman", [("ar", NATIVE)]),
            ("Beirut", "Lebanon", "Asia/Beirut", [("ar", NATIVE), ("fr", FLUENT)]),
            ("Dubai", "UAE", "Asia/Dubai", [("ar", FLUENT)]),
        ],
        "women": ["Mariam", "Layla", "Hana", "Rania", "Dina", "Farah"],
        "men": ["Omar", "Ahmed", "Khaled", "Tarek", "Ziad", "Rami"],
        "neutral": ["Nour"],
        "last": ["Hassan", "Mahmoud", "Saleh", "Khoury", "Nasser", "Farouk", "Mansour"],
    },
    "ir": {
        "weight": 3,
        "english": (0.9, FLUENT),
        "cities": [
            ("Tehran", "Iran", "Asia/Tehran", [("fa", NATIVE)]),
            ("Shiraz", "Iran", "Asia/Tehran", [("fa", NATIVE)]),
        ],
        "women": ["Shirin", "Parisa", "Nazanin", "Maryam"],
        "men": ["Arash", "Reza", "Kian", "Dariush"],
        "neutral": [],
        "last": ["Hosseini", "Rahimi", "Karimi", "Moradi", "Tehrani"],
    },
    "in": {
        "weight": 20,
        "english": (1.0, FLUENT),
        "cities": [
            ("Bengaluru", "India", "Asia/Kolkata", [("hi", FLUENT)]),
            ("Mumbai", "India", "Asia/Kolkata", [("hi", NATIVE)]),
            ("Delhi", "India", "Asia/Kolkata", [("hi", NATIVE)]),
            ("Pune", "India", "Asia/Kolkata", [("hi", FLUENT)]),
            ("Hyderabad", "India", "Asia/Kolkata", [("hi", FLUENT)]),
            ("Chennai", "India", "Asia/Kolkata", [("ta", NATIVE), ("hi", BASIC)]),
            ("Kolkata", "India", "Asia/Kolkata", [("bn", NATIVE), ("hi", FLUENT)]),
        ],
        "women": ["Ananya", "Kavya", "Meera", "Divya", "Lakshmi", "Ishita", "Sneha"],
        "men": ["Arjun", "Rohan", "Vikram", "Aditya", "Karthik", "Rahul", "Siddharth"],
        "neutral": [],
        "last": ["Sharma", "Iyer", "Patel", "Reddy", "Nair", "Gupta", "Menon", "Krishnan",
                 "Desai", "Banerjee", "Kulkarni"],
    },
    "pk_bd": {
        "weight": 9,
        "english": (1.0, FLUENT),
        "cities": [
            ("Karachi", "Pakistan", "Asia/Karachi", [("ur", NATIVE)]),
            ("Lahore", "Pakistan", "Asia/Karachi", [("ur", NATIVE), ("pa", NATIVE)]),
            ("Dhaka", "Bangladesh", "Asia/Dhaka", [("bn", NATIVE)]),
            ("Chittagong", "Bangladesh", "Asia/Dhaka", [("bn", NATIVE)]),
        ],
        "women": ["Ayesha", "Fatima", "Sana", "Zara", "Nusrat", "Tahmina"],
        "men": ["Bilal", "Usman", "Faisal", "Rafiq", "Tanvir", "Imran"],
        "neutral": [],
        "last": ["Khan", "Qureshi", "Siddiqui", "Malik", "Hossain", "Rahman", "Chowdhury"],
    },
    "ph": {
        "weight": 7,
        "english": (1.0, FLUENT),
        "cities": [
            ("Manila", "Philippines", "Asia/Manila", [("tl", NATIVE)]),
            ("Cebu", "Philippines", "Asia/Manila", [("tl", FLUENT)]),
            ("Davao", "Philippines", "Asia/Manila", [("tl", FLUENT)]),
        ],
        "women": ["Andrea", "Bea", "Kristine", "Joy", "Angelica"],
        "men": ["Paolo", "Miguel", "Jomar", "Carlo", "Rafael"],
        "neutral": [],
        "last": ["Santos", "Reyes", "Cruz", "Bautista", "Dela Cruz", "Villanueva", "Mendoza"],
    },
    "id_my": {
        "weight": 6,
        "english": (0.85, CONVERSATIONAL),
        "cities": [
            ("Jakarta", "Indonesia", "Asia/Jakarta", [("id", NATIVE)]),
            ("Bandung", "Indonesia", "Asia/Jakarta", [("id", NATIVE)]),
            ("Yogyakarta", "Indonesia", "Asia/Jakarta", [("id", NATIVE)]),
            ("Kuala Lumpur", "Malaysia", "Asia/Kuala_Lumpur", [("ms", NATIVE)]),
        ],
        "women": ["Putri", "Dewi", "Ayu", "Siti", "Intan"],
        "men": ["Budi", "Agus", "Rizky", "Dimas", "Arief"],
        "neutral": [],
        "last": ["Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Kusuma"],
    },
    "vn": {
        "weight": 5,
        "english": (0.85, CONVERSATIONAL),
        "family_first": True,
        "cities": [
            ("Ho Chi Minh City", "Vietnam", "Asia/Ho_Chi_Minh", [("vi", NATIVE)]),
            ("Hanoi", "Vietnam", "Asia/Ho_Chi_Minh", [("vi", NATIVE)]),
            ("Da Nang", "Vietnam", "Asia/Ho_Chi_Minh", [("vi", NATIVE)]),
        ],
        "women": ["Linh", "Thu", "Mai", "Hoa", "Trang"],
        "men": ["Minh", "Đức", "Huy", "Quang", "Tuấn"],
        "neutral": [],
        "last": ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"],
    },
    "cn_tw_sg": {
        "weight": 6,
        "english": (0.9, FLUENT),
        "family_first": True,
        "cities": [
            ("Shanghai", "China", "Asia/Shanghai", [("zh", NATIVE)]),
            ("Shenzhen", "China", "Asia/Shanghai", [("zh", NATIVE)]),
            ("Taipei", "Taiwan", "Asia/Taipei", [("zh", NATIVE)]),
            ("Singapore", "Singapore", "Asia/Singapore", [("zh", FLUENT), ("ms", BASIC)]),
        ],
        "women": ["Xinyi", "Yuting", "Jing", "Wen", "Meiling"],
        "men": ["Wei", "Hao", "Jun", "Zhiwei", "Yifan"],
        "neutral": [],
        "last": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Lin"],
    },
    "jp": {
        "weight": 4,
        "english": (0.8, CONVERSATIONAL),
        "family_first": True,
        "cities": [
            ("Tokyo", "Japan", "Asia/Tokyo", [("ja", NATIVE)]),
            ("Osaka", "Japan", "Asia/Tokyo", [("ja", NATIVE)]),
            ("Fukuoka", "Japan", "Asia/Tokyo", [("ja", NATIVE)]),
        ],
        "women": ["Haruka", "Aoi", "Sakura", "Mei"],
        "men": ["Takeshi", "Kenji", "Haruto", "Daiki"],
        "neutral": ["Yuki"],
        "last": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Nakamura"],
    },
    "kr": {
        "weight": 4,
        "english": (0.85, CONVERSATIONAL),
        "family_first": True,
        "cities": [
            ("Seoul", "South Korea", "Asia/Seoul", [("ko", NATIVE)]),
            ("Busan", "South Korea", "Asia/Seoul", [("ko", NATIVE)]),
        ],
        "women": ["Seo-yeon", "Min-ji", "Ha-eun", "Su-bin"],
        "men": ["Min-jun", "Ji-ho", "Hyun-woo", "Seung-hoon"],
        "neutral": ["Ji-woo"],
        "last": ["Kim", "Lee", "Park", "Choi", "Jung", "Kang"],
    },
    "oceania": {
        "weight": 4,
        "english": (1.0, NATIVE),
        "cities": [
            ("Sydney", "Australia", "Australia/Sydney", []),
            ("Melbourne", "Australia", "Australia/Melbourne", []),
            ("Auckland", "New Zealand", "Pacific/Auckland", []),
        ],
        "women": ["Ruby", "Aroha", "Matilda", "Isla"],
        "men": ["Jack", "Nikau", "Lachlan", "Hamish"],
        "neutral": ["Frankie"],
        "last": ["Wilson", "Taylor", "Ngata", "Parata", "Kelly", "Tran"],
    },
}

# Languages some people pick up on the side.
EXTRA_LANGUAGES = ["es", "fr", "pt", "de", "ar", "sw", "hi", "it", "ja", "zh"]

# ---------------------------------------------------------------------------------------------
# Skills taxonomy: category, then (skill, synonyms).
# ---------------------------------------------------------------------------------------------
TAXONOMY: list[tuple[str, list[tuple[str, str]]]] = [
    ("Data & analytics", [
        ("Data analysis", "analytics, data analytics"),
        ("SQL", "structured query language, postgres, mysql"),
        ("Data visualization", "dataviz, charts"),
        ("Statistics", "stats"),
        ("Machine learning", "ml, ai"),
        ("Excel & spreadsheets", "excel, google sheets, spreadsheets"),
        ("Dashboards", "tableau, power bi, looker"),
        ("Data engineering", "etl, pipelines"),
    ]),
    ("Software & technology", [
        ("Python", "py, python3"),
        ("JavaScript", "js, ecmascript, typescript"),
        ("Web development", "html, css, frontend"),
        ("Cloud infrastructure", "aws, azure, gcp, devops"),
        ("Git & version control", "git, github"),
        ("Testing & QA", "qa, testing"),
        ("API design", "rest, apis"),
        ("Cybersecurity basics", "security, infosec"),
    ]),
    ("Product & design", [
        ("Product management", "pm, product"),
        ("UX research", "user research, usability testing"),
        ("UI design", "visual design, interface design"),
        ("Prototyping", "figma, wireframing"),
        ("Accessibility", "a11y, inclusive design"),
        ("Product strategy", "roadmapping"),
        ("Service design", "journey mapping"),
    ]),
    ("Leadership & management", [
        ("Leadership", "leading teams"),
        ("People management", "line management, managing people"),
        ("Delegation", ""),
        ("Strategic planning", "strategy"),
        ("Decision making", ""),
        ("Coaching", ""),
        ("Hiring & interviewing", "recruiting, hiring"),
        ("Managing up", "stakeholder management"),
    ]),
    ("Communication", [
        ("Public speaking", "presenting, presentations"),
        ("Writing", "business writing, copywriting"),
        ("Storytelling", "narrative"),
        ("Facilitation", "workshops, running meetings"),
        ("Negotiation", ""),
        ("Giving feedback", "feedback"),
        ("Networking", ""),
        ("Cross-cultural communication", "intercultural"),
    ]),
    ("Nonprofit & fundraising", [
        ("Grant writing", "grants, proposal writing"),
        ("Fundraising", "development, donor relations"),
        ("Volunteer management", "volunteers"),
        ("Program evaluation", "m&e, monitoring and evaluation"),
        ("Community organizing", "organizing, advocacy"),
        ("Impact measurement", "impact, theory of change"),
        ("Board governance", "boards, trustees"),
        ("Partnerships", "partnership building"),
    ]),
    ("Career & personal growth", [
        ("Career planning", "career change"),
        ("Interview preparation", "interviews"),
        ("Personal branding", "linkedin, portfolio"),
        ("Time management", "productivity"),
        ("Confidence building", "impostor syndrome"),
        ("Work-life balance", "burnout"),
        ("Salary negotiation", "pay"),
        ("Job search", "job hunting, cv, resume"),
    ]),
    ("Business & operations", [
        ("Project management", "pmp, agile, scrum"),
        ("Budgeting & finance", "budgets, finance"),
        ("Marketing", "digital marketing"),
        ("Entrepreneurship", "startups, founding"),
        ("Operations", "ops"),
        ("Sales", "business development"),
        ("Social media", "instagram, tiktok"),
    ]),
]

# ---------------------------------------------------------------------------------------------
# Working lives: titles by seniority, skills they have and want, goals in their own words.
# ---------------------------------------------------------------------------------------------
PARTNERS = [
    ("Northwind Analytics", "northwind.example"),
    ("Kijani Solar", "kijanisolar.example"),
    ("Meridian Bank", "meridianbank.example"),
    ("Tessellate Labs", "tessellate.example"),
    ("Brightwater Health", "brightwater.example"),
    ("Oakline Software", "oakline.example"),
]

AREAS: dict[str, dict[str, Any]] = {
    "data": {
        "weight": 20,
        "desc": "data and analytics",
        "titles": {
            "junior": ["Junior data analyst", "Data analyst intern", "Research assistant"],
            "mid": ["Data analyst", "Data scientist", "Analytics engineer", "BI developer"],
            "senior": ["Lead data scientist", "Head of analytics", "Principal data engineer",
                       "Data science manager"],
        },
        "orgs": ["Open Data Lab", "CityStats", "Harbor Insurance", "Greenfield Retail"],
        "have": ["Data analysis", "SQL", "Data visualization", "Statistics",
                 "Excel & spreadsheets", "Python", "Dashboards", "Machine learning",
                 "Data engineering"],
        "want": ["Machine learning", "Public speaking", "Storytelling", "Product management",
                 "Data engineering", "Cloud infrastructure", "Python", "Statistics"],
        "goals": [
            "Build a dashboard my team actually uses and explain it in our monthly review.",
            "Write SQL confidently enough to answer my own questions without waiting for the "
            "data team.",
            "Ship my first machine learning model to production and keep an eye on it.",
            "Move from reporting to analysis: recommend decisions, not just numbers.",
            "Prepare for and pass interviews for a data scientist role.",
        ],
    },
    "software": {
        "weight": 14,
        "desc": "software engineering",
        "titles": {
            "junior": ["Junior developer", "Software engineering apprentice", "QA tester"],
            "mid": ["Software engineer", "Backend developer", "Frontend developer",
                    "DevOps engineer"],
            "senior": ["Staff engineer", "Engineering manager", "Principal engineer", "CTO"],
        },
        "orgs": ["Pixelforge", "Codeworks Cooperative", "Nimbus Cloud", "Stackline"],
        "have": ["Python", "JavaScript", "Web development", "Git & version control",
                 "API design", "Testing & QA", "Cloud infrastructure", "Cybersecurity basics"],
        "want": ["Public speaking", "Product management", "Machine learning", "Data analysis",
                 "Writing", "API design", "Cloud infrastructure"],
        "goals": [
            "Lead the design of a feature from the first sketch to the release.",
            "Get comfortable reviewing other people's code and giving useful feedback.",
            "Move from frontend work to full-stack, including the API.",
            "Give a talk at a local meetup about something I built.",
        ],
    },
    "product": {
        "weight": 11,
        "desc": "product and design",
        "titles": {
            "junior": ["Junior UX designer", "Associate product manager", "Design intern"],
            "mid": ["Product manager", "UX researcher", "Product designer", "Content designer"],
            "senior": ["Head of product", "Design director", "Principal UX researcher"],
        },
        "orgs": ["Fable Apps", "Wayfinder", "Kora Fintech", "Civic Design Studio"],
        "have": ["Product management", "UX research", "UI design", "Prototyping",
                 "Accessibility", "Product strategy", "Service design", "Facilitation",
                 "Project management"],
        "want": ["Data analysis", "SQL", "Negotiation", "Storytelling", "Public speaking",
                 "Strategic planning", "Dashboards"],
        "goals": [
            "Run a round of user interviews on my own and turn them into a roadmap decision.",
            "Make the case for accessibility work to our leadership team.",
            "Own a product area end to end, including its metrics.",
        ],
    },
    "nonprofit": {
        "weight": 15,
        "desc": "the nonprofit sector",
        "titles": {
            "junior": ["Program assistant", "Fundraising assistant", "Volunteer coordinator"],
            "mid": ["Program officer", "Grants manager", "Community organizer", "M&E officer"],
            "senior": ["Executive director", "Development director", "Head of programs"],
        },
        "orgs": ["Clean Water Alliance", "Bright Futures Foundation", "Refugee Welcome Network",
                 "Community Food Bank", "Literacy Now", "Health For All Initiative"],
        "have": ["Grant writing", "Fundraising", "Volunteer management", "Program evaluation",
                 "Community organizing", "Impact measurement", "Board governance",
                 "Partnerships", "Budgeting & finance"],
        "want": ["Data analysis", "Data visualization", "Excel & spreadsheets", "Storytelling",
                 "Public speaking", "Strategic planning", "Negotiation", "Grant writing"],
        "goals": [
            "Write a grant proposal on my own and submit it to a major funder.",
            "Set up a simple monitoring and evaluation framework for our programs.",
            "Use data to show our board the impact of our work.",
            "Grow our base of regular donors and plan our first fundraising campaign.",
        ],
    },
    "comms": {
        "weight": 9,
        "desc": "communications and marketing",
        "titles": {
            "junior": ["Communications assistant", "Social media coordinator"],
            "mid": ["Communications lead", "Marketing manager", "Content strategist"],
            "senior": ["Head of communications", "Marketing director"],
        },
        "orgs": ["Signal & Story", "Public Voice Media", "Greenleaf Communications"],
        "have": ["Writing", "Storytelling", "Public speaking", "Social media", "Marketing",
                 "Personal branding", "Facilitation"],
        "want": ["Data analysis", "Dashboards", "Negotiation", "Product strategy",
                 "Fundraising", "Data visualization"],
        "goals": [
            "Present our annual results on stage without reading from my notes.",
            "Build a content strategy based on data instead of guesswork.",
            "Negotiate better rates with my clients.",
        ],
    },
    "operations": {
        "weight": 8,
        "desc": "operations and people",
        "titles": {
            "junior": ["Operations assistant", "HR coordinator"],
            "mid": ["Operations manager", "Project manager", "People partner"],
            "senior": ["Chief operating officer", "Head of people", "Operations director"],
        },
        "orgs": ["Atlas Logistics", "Unity Health Network", "City Council"],
        "have": ["Project management", "Operations", "People management",
                 "Hiring & interviewing", "Budgeting & finance", "Coaching", "Decision making",
                 "Delegation"],
        "want": ["Strategic planning", "Data analysis", "Managing up", "Negotiation",
                 "Cross-cultural communication", "Dashboards"],
        "goals": [
            "Delegate properly instead of doing everything myself.",
            "Run the budget cycle for my department with confidence.",
            "Hire my first two team members and onboard them well.",
        ],
    },
    "founder": {
        "weight": 7,
        "desc": "entrepreneurship",
        "titles": {
            "junior": ["Founder", "Freelance designer"],
            "mid": ["Founder", "Co-founder", "Freelance consultant"],
            "senior": ["Founder and CEO", "Serial entrepreneur", "Angel investor"],
        },
        "orgs": ["Mavuno Agritech", "Tala Learning", "Solace Care", "Circuit Kids",
                 "Rootline Coffee"],
        "have": ["Entrepreneurship", "Sales", "Product strategy", "Fundraising", "Negotiation",
                 "Marketing", "Budgeting & finance"],
        "want": ["People management", "Hiring & interviewing", "Data analysis", "Delegation",
                 "Work-life balance", "Sales"],
        "goals": [
            "Raise a first round of funding for my business.",
            "Hire and lead my first small team.",
            "Find a repeatable way to win new customers.",
        ],
    },
    "student": {
        "weight": 14,
        "desc": "my studies",
        "titles": {
            "junior": ["Computer science student", "Economics student", "Public health student",
                       "Bootcamp graduate", "Career changer, former teacher", "Recent graduate"],
        },
        "orgs": [],
        "have": ["Excel & spreadsheets", "Writing", "Python", "Data analysis", "Social media"],
        "want": ["SQL", "Data visualization", "Python", "Data analysis", "Public speaking",
                 "Web development", "UX research"],
        "goals": [
            "Land my first job in data or tech.",
            "Build a portfolio of three projects I can talk about in interviews.",
            "Decide between a master's degree and going straight into work.",
            "Feel confident speaking up in meetings and interviews.",
        ],
    },
}

# What people at each stage tend to want to grow, and what seniors tend to be good at.
STAGE_WANTS = {
    "junior": ["Career planning", "Interview preparation", "Networking", "Confidence building",
               "Job search", "Time management", "Salary negotiation"],
    "mid": ["Leadership", "Giving feedback", "Managing up", "Public speaking", "Negotiation",
            "Delegation", "Work-life balance", "Personal branding"],
    "senior": ["Coaching", "Strategic planning", "Work-life balance", "Public speaking"],
}
SENIOR_HAVES = ["Coaching", "Leadership", "People management", "Giving feedback",
                "Strategic planning", "Decision making", "Hiring & interviewing"]
SENIOR_GOALS = [
    "Become a better coach for my own team.",
    "Step back from day-to-day delivery and delegate more.",
    "Share what I know with people who are where I was ten years ago.",
    "Sharpen my public speaking for conference talks.",
]
HOBBIES = [
    "Outside work I run a neighbourhood book club.",
    "Weekends are for hiking.",
    "I coach a youth football team on Saturdays.",
    "Amateur photographer, mostly of street food.",
    "I volunteer at a local food bank.",
    "Slowly learning to play the oud.",
    "Parent of two, and surprisingly good at Lego.",
    "I bake bread, badly but often.",
    "Chess, cycling and far too many podcasts.",
    "I sing in a community choir.",
    "Gardener in training: my tomatoes are doing better than my peppers.",
    "Always reading two books at once.",
    "I dance salsa on Thursday evenings.",
    "Marathon runner, slowly.",
]
WITHDRAW_NOTES = [
    "I started a new job and cannot give the time this cycle.",
    "Family commitments; I hope to join a later cohort.",
    "Moving abroad this spring.",
    "",
]
CHALLENGES = [
    "A colleague who used to be my peer now reports to me, and our first one-to-one was "
    "awkward.",
    "I had to tell a volunteer their work was not good enough and put it off for weeks.",
    "Two people on my team disagreed about priorities and both expected me to take their side.",
    "I was asked to announce a budget cut to my team and did not know how much to share.",
    "A senior stakeholder kept changing the scope of my project at the last minute.",
]
COORDINATOR_NOTES = [
    "I am a single parent: evenings after 8 pm work best for me.",
    "I would prefer a mentor outside my own company.",
    "I use a screen reader; shared documents in plain text help me a lot.",
    "Happy to mentor two people if you are short of mentors.",
]

DEMOGRAPHICS = [
    ("gender-identity", "Gender identity", "",
     ["Woman", "Man", "Non-binary", "I use another term"]),
    ("age-range", "Age range", "", ["Under 25", "25-34", "35-44", "45-54", "55 or over"]),
    ("first-generation", "Are you the first in your family to work in a professional role?", "",
     ["Yes", "No"]),
    ("disability", "Do you consider yourself to have a disability or long-term condition?",
     "Including conditions that are not visible.", ["Yes", "No"]),
    ("caring-responsibilities", "Do you have caring responsibilities?",
     "For children, parents or other relatives.", ["Yes", "No"]),
]
AGE_BY_STAGE = {
    "junior": ["Under 25", "Under 25", "25-34", "35-44"],
    "mid": ["25-34", "25-34", "35-44"],
    "senior": ["35-44", "45-54", "45-54", "55 or over"],
}

# ---------------------------------------------------------------------------------------------
# Programs: fields for create_program, intake questions
# (key, text, help text, kind, options, required, audience) and onboarding items.
# ---------------------------------------------------------------------------------------------
Q, QA, OA = IntakeQuestion.Kind, IntakeQuestion.Audience, OnboardingItem.Audience
SIX_MONTHS = "What do you want to be able to do in six months?"
SIX_MONTHS_HELP = "Be concrete: a task you want to do alone, or a decision to be ready for."
HEAR_OPTIONS = ["A friend or colleague", "Social media", "My employer", "A community event"]

PROGRAMS: list[dict[str, Any]] = [
    {
        "key": "plc",
        "weeks": 24,
        "fields": {
            "name": "Peer Learning Circles",
            "slug": "peer-learning-circles",
            "description": (
                "Small circles of five or six members who meet every two weeks to work on a "
                "shared topic: getting into data, grant writing, public speaking, changing "
                "careers. No experts and no hierarchy: each circle agrees its own goals and "
                "members take turns facilitating."
            ),
            "objectives": (
                "- Give every member a group of peers to learn with\n"
                "- Practice a skill in a safe space, with regular accountability\n"
                "- Build friendships across countries and fields"
            ),
            "success_measures": (
                "- 80% of members attend at least three quarters of their circle's meetings\n"
                "- Members rate their confidence in their topic higher at the end than at the "
                "start\n"
                "- At least half of the circles keep meeting after the cohort ends"
            ),
            "status": Program.ProgramStatus.RUNNING,
            "admission": Program.Admission.OPEN,
            "welcome_message": (
                "Welcome to Peer Learning Circles! Your circle will be announced in the next "
                "few days. Before the kick-off, please fill in your weekly availability so we "
                "can find a time that works for everyone."
            ),
        },
        "questions": [
            ("role", "What do you do today?", "Your role, your studies, or what you are between.",
             Q.SHORT, [], True, QA.ALL),
            ("six_months", SIX_MONTHS, SIX_MONTHS_HELP, Q.LONG, [], True, QA.MENTEES),
            ("topic", "Which circle topic would you like to join?", "", Q.SINGLE,
             ["Getting into data", "Grant writing", "Public speaking", "Changing careers",
              "Starting a business"], True, QA.ALL),
            ("formats", "How would you like your circle to meet?", "Choose all that suit you.",
             Q.MULTIPLE, ["Video call", "In person where possible", "Chat between meetings"],
             False, QA.ALL),
            ("confidence", "How confident do you feel about your topic today?",
             "1 = not at all, 5 = very confident.", Q.SCALE, [], True, QA.MENTEES),
            ("hear", "How did you hear about us?", "", Q.SINGLE, HEAR_OPTIONS, False, QA.ALL),
        ],
        "onboarding": [
            ("Read the circle guide (10 minutes)", OA.ALL),
            ("Set your weekly availability on your profile", OA.ALL),
            ("Introduce yourself to your circle", OA.MENTEES),
            ("Write down one thing you want to practice this cycle", OA.MENTEES),
        ],
    },
    {
        "key": "wid",
        "weeks": 26,
        "fields": {
            "name": "Women in Data Mentoring",
            "slug": "women-in-data",
            "description": (
                "Six months of one-to-one mentoring for women and non-binary people building a "
                "career in data: analysts, scientists, engineers and career changers. Mentors "
                "are practitioners from our partner companies and from the community."
            ),
            "objectives": (
                "- Help each mentee reach a concrete goal they set at the start\n"
                "- Grow the number of women and non-binary people in senior data roles\n"
                "- Give mentors a structured way to share what they know"
            ),
            "success_measures": (
                "- 75% of pairs meet at least once a month\n"
                "- 70% of mentees reach, or make clear progress on, their six-month goal\n"
                "- Mentees report more confidence in at least two of the skills they want to "
                "grow\n"
                "- At least three graduates come back as mentors"
            ),
            "status": Program.ProgramStatus.OPEN,
            "admission": Program.Admission.APPROVAL,
            "welcome_message": (
                "Welcome to Women in Data Mentoring! We will suggest mentors whose skills match "
                "what you want to grow: look at your suggestions and request the mentor you "
                "would like to work with."
            ),
        },
        "questions": [
            ("role", "What is your current role?", "", Q.SHORT, [], True, QA.ALL),
            ("six_months", SIX_MONTHS, SIX_MONTHS_HELP, Q.LONG, [], True, QA.MENTEES),
            ("mentor_experience", "What experience would you bring to a mentee?", "", Q.LONG, [],
             True, QA.MENTORS),
            ("areas", "Which areas of data interest you most?", "Choose all that apply.",
             Q.MULTIPLE, ["Analytics and BI", "Data science and ML", "Data engineering",
                          "Data for social good", "Moving into management"], True, QA.ALL),
            ("time", "How much time can you give each month?", "", Q.SINGLE,
             ["1-2 hours", "3-4 hours", "5 hours or more"], True, QA.ALL),
            ("confidence", "How confident do you feel in your data skills today?",
             "1 = not at all, 5 = very confident.", Q.SCALE, [], True, QA.MENTEES),
            ("feedback_comfort", "How comfortable are you giving feedback on technical work?",
             "1 = not yet, 5 = very comfortable.", Q.SCALE, [], False, QA.MENTORS),
            ("anything", "Is there anything you would like the coordinators to know?", "",
             Q.LONG, [], False, QA.ALL),
        ],
        "onboarding": [
            ("Read the program guide and code of conduct", OA.ALL),
            ("Complete your skills and availability", OA.ALL),
            ("Join the kick-off session", OA.ALL),
            ("Write down three goals for the cohort", OA.MENTEES),
            ("Watch the 20-minute mentor training", OA.MENTORS),
            ("Read 'How to run a first meeting'", OA.MENTORS),
        ],
    },
    {
        "key": "el",
        "weeks": 39,
        "fields": {
            "name": "Emerging Leaders",
            "slug": "emerging-leaders",
            "description": (
                "A nine-month program for people stepping into their first leadership role, in "
                "a company, a nonprofit or their own venture. Each participant works with an "
                "experienced leader, and the cohort meets monthly for a workshop on delegation, "
                "feedback, hard conversations and strategy."
            ),
            "objectives": (
                "- Prepare new leaders for the conversations and decisions they find hardest\n"
                "- Build a network of peers who lead in very different settings\n"
                "- Grow a pipeline of leaders from under-represented backgrounds"
            ),
            "success_measures": (
                "- Participants rate themselves higher on the leadership self-assessment at the "
                "end\n"
                "- 80% attend at least six of the nine monthly workshops\n"
                "- Within a year, half of the participants lead a team or a major project"
            ),
            "status": Program.ProgramStatus.RUNNING,
            "admission": Program.Admission.INVITE,
            "default_mentor_capacity": 1,
            "welcome_message": (
                "Welcome to Emerging Leaders. Your mentor will be in touch before the first "
                "workshop; bring one leadership situation you would like to work on."
            ),
        },
        "questions": [
            ("role", "What is your current role?", "", Q.SHORT, [], True, QA.ALL),
            ("six_months", SIX_MONTHS, SIX_MONTHS_HELP, Q.LONG, [], True, QA.MENTEES),
            ("challenge", "Describe a leadership situation you found hard recently.", "", Q.LONG,
             [], False, QA.MENTEES),
            ("mentor_experience", "What kind of leaders have you helped grow before?", "",
             Q.LONG, [], True, QA.MENTORS),
            ("team", "How many people do you lead today?", "", Q.SINGLE,
             ["Nobody yet", "1-3", "4-10", "More than 10"], True, QA.ALL),
            ("focus", "Which themes matter most to you?", "Choose up to three.", Q.MULTIPLE,
             ["Delegation", "Giving feedback", "Hard conversations", "Strategy", "Managing up",
              "Leading without authority"], True, QA.ALL),
            ("readiness", "How ready do you feel to lead a team of five?",
             "1 = not yet, 5 = ready today.", Q.SCALE, [], True, QA.MENTEES),
        ],
        "onboarding": [
            ("Sign the participation agreement", OA.ALL),
            ("Add the nine workshop dates to your calendar", OA.ALL),
            ("Complete the leadership self-assessment", OA.MENTEES),
            ("Read the mentor handbook", OA.MENTORS),
        ],
    },
]

# Who is in each cohort: (phase, track kind, role, status, how many). The most particular
# program comes first, so it still finds the members it is looking for.
TP, TI, TL = Track.Kind.PEER, Track.Kind.INTERMEDIATE, Track.Kind.LEADERSHIP
PEER, MENTOR, MENTEE = Role.PEER, Role.MENTOR, Role.MENTEE
S = Status
COHORT_PLAN: dict[str, list[tuple[str, str, str, str, int]]] = {
    "wid": [
        ("past", TI, MENTOR, S.COMPLETED, 11),
        ("past", TI, MENTOR, S.WITHDRAWN, 1),
        ("past", TI, MENTEE, S.COMPLETED, 22),
        ("past", TI, MENTEE, S.WITHDRAWN, 3),
        ("past", TI, MENTEE, S.DECLINED, 6),
        ("past", TL, MENTOR, S.COMPLETED, 3),
        ("past", TL, MENTEE, S.COMPLETED, 6),
        ("past", TL, MENTEE, S.WITHDRAWN, 1),
        ("current", TI, MENTOR, S.ACTIVE, 13),
        ("current", TI, MENTOR, S.APPROVED, 2),
        ("current", TI, MENTOR, S.APPLIED, 4),
        ("current", TI, MENTEE, S.ACTIVE, 23),
        ("current", TI, MENTEE, S.APPROVED, 5),
        ("current", TI, MENTEE, S.APPLIED, 14),
        ("current", TI, MENTEE, S.WAITLISTED, 8),
        ("current", TI, MENTEE, S.DECLINED, 5),
        ("current", TI, MENTEE, S.WITHDRAWN, 3),
        ("current", TL, MENTOR, S.ACTIVE, 4),
        ("current", TL, MENTEE, S.ACTIVE, 7),
        ("current", TL, MENTEE, S.APPLIED, 3),
    ],
    "el": [
        ("past", TL, MENTOR, S.COMPLETED, 8),
        ("past", TL, MENTEE, S.COMPLETED, 18),
        ("past", TL, MENTEE, S.WITHDRAWN, 3),
        ("current", TL, MENTOR, S.ACTIVE, 9),
        ("current", TL, MENTOR, S.APPROVED, 2),
        ("current", TL, MENTEE, S.ACTIVE, 16),
        ("current", TL, MENTEE, S.APPROVED, 4),
        ("current", TL, MENTEE, S.WITHDRAWN, 2),
        ("current", TI, MENTOR, S.ACTIVE, 1),
        ("current", TI, MENTEE, S.ACTIVE, 2),
    ],
    "plc": [
        ("past", TP, PEER, S.COMPLETED, 30),
        ("past", TP, PEER, S.WITHDRAWN, 6),
        ("current", TP, PEER, S.ACTIVE, 32),
        ("current", TP, PEER, S.APPROVED, 12),
        ("current", TP, PEER, S.WITHDRAWN, 4),
    ],
}
# fmt: on
ADMISSION = {spec["key"]: spec["fields"]["admission"] for spec in PROGRAMS}


@dataclass
class Person:
    email: str
    display_name: str
    gender: str
    city: str
    country: str
    tz: str
    area: str
    seniority: str
    years: int
    title: str
    org: str
    pronouns: str = ""
    headline: str = ""
    bio: str = ""
    objectives: str = ""
    goal: str = ""
    languages: dict[str, str] = field(default_factory=dict)
    styles: dict[str, str] = field(default_factory=dict)
    formats: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    windows: list[tuple[int, dt.time, dt.time]] = field(default_factory=list)
    have: dict[str, int] = field(default_factory=dict)
    want: dict[str, tuple[int, int]] = field(default_factory=dict)
    demographics: dict[str, str] = field(default_factory=dict)
    sparse: bool = False
    is_staff: bool = False
    # Their first and last own move in a program (applying, withdrawing).
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    pk: int | None = None


@dataclass
class Planned:
    """A membership decided before anything is written."""

    person: Person
    program: str
    phase: str
    track: str
    role: str
    status: str
    capacity: int | None = None
    graduate: bool = False
    path: list[str] = field(default_factory=list)
    times: list[dt.datetime] = field(default_factory=list)
    pk: int | None = None

    @property
    def automatic(self) -> bool:
        """Admitted without review: open and invite-only programs, and graduates."""
        return self.graduate or ADMISSION[self.program] != Program.Admission.APPROVAL


def _ascii(text: str) -> str:
    return slugify(unicodedata.normalize("NFKD", text)).replace("-", "")


PROPER = {"Python", "JavaScript", "Excel", "Git", "DevOps"}


def _lower(text: str) -> str:
    """Lowercase a title or skill for the middle of a sentence, keeping names and acronyms."""
    first = text.split()[0]
    if first in PROPER or first.isupper():
        return text
    return text[0].lower() + text[1:]


class Command(BaseCommand):
    help = "Load a demo community: about 300 members, three programs, two cohorts each."

    def handle(self, *args, **options) -> None:
        if User.objects.filter(email=COORDINATOR_EMAIL).exists():
            self.stdout.write("Demo data is already present: nothing to do.")
            return
        with transaction.atomic():
            counts = Seeder(random.Random(SEED)).run()
        summary = ", ".join(f"{n} {label}" for label, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        self.stdout.write(f"Sign in with any of these, password {PASSWORD}")
        for email, what in [
            (COORDINATOR_EMAIL, "coordinator of the three programs"),
            (MENTOR_EMAIL, "active mentor in Women in Data Mentoring"),
            (MENTEE_EMAIL, "active mentee in Women in Data Mentoring"),
            (ADMIN_EMAIL, "instance administrator"),
        ]:
            self.stdout.write(f"  {email:<34} {what}")


class Seeder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.people: list[Person] = []
        self.emails: set[str] = set()
        self.names: set[str] = set()
        self.planned: list[Planned] = []
        self.busy: dict[str, set[str]] = {"past": set(), "current": set()}
        self.graduates: list[Planned] = []
        self.cohorts = self.plan_cohorts()

    def run(self) -> dict[str, int]:
        demo = self.demo_people()
        locales = list(LOCALES)
        weights = [LOCALES[k]["weight"] for k in locales]
        members = [self.person(self.rng.choices(locales, weights)[0]) for _i in range(MEMBERS)]
        self.people = [*demo.values(), *members]
        self.plan_memberships(demo)
        self.write_people()
        self.write_skills(self.write_taxonomy())
        self.write_demographics()
        coordinator = User.objects.get(email=COORDINATOR_EMAIL)
        programs = self.write_programs(coordinator)
        self.write_memberships(programs, coordinator)
        self.write_invitations(programs, coordinator)
        self.add_co_coordinator(programs["wid"]["program"], coordinator)
        matches = seed_matches(self.rng, MENTOR_EMAIL, MENTEE_EMAIL)
        histories = seed_histories(self.rng, MENTOR_EMAIL, MENTEE_EMAIL)
        rooms = run_demo_seeders(self.rng)
        return {
            **matches,
            **histories,
            **rooms,
            "members": User.objects.count(),
            "skills": Skill.objects.count(),
            "programs": Program.objects.count(),
            "cohorts": Cohort.objects.count(),
            "memberships": Membership.objects.count(),
            "status changes": MembershipTransition.objects.count(),
            "intake answers": IntakeAnswer.objects.count(),
            "invitations": Invitation.objects.count(),
        }

    # -- people -----------------------------------------------------------------------------

    def unique_email(self, local: str, domain: str) -> str:
        email, n = f"{local}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        return email

    def person(self, key: str) -> Person:
        rng, loc = self.rng, LOCALES[key]
        gender = rng.choices(["woman", "man", "nonbinary"], [52, 42, 6])[0]
        for _attempt in range(30):
            if gender == "nonbinary" or (loc["neutral"] and rng.random() < 0.1):
                pool = loc["neutral"] or loc["women"] + loc["men"]
            else:
                pool = loc["women"] if gender == "woman" else loc["men"]
            first, last = rng.choice(pool), rng.choice(loc["last"])
            if f"{first} {last}" not in self.names:
                break
        self.names.add(f"{first} {last}")
        city, country, tz, native = rng.choice(loc["cities"])

        area = rng.choices(list(AREAS), [a["weight"] for a in AREAS.values()])[0]
        seniority = "junior"
        if area != "student":
            seniority = rng.choices(["junior", "mid", "senior"], [30, 38, 32])[0]
        low, high = {"junior": (0, 3), "mid": (4, 9), "senior": (10, 25)}[seniority]
        title = rng.choice(AREAS[area]["titles"][seniority])
        domain = rng.choice(["example.org", "example.com", "example.net"])
        partner_odds = {"junior": 0.15, "mid": 0.35, "senior": 0.45}[seniority]
        if area == "student":
            org = rng.choice([f"University of {city}", f"{city} Community College"])
            if "student" not in title:
                org = rng.choice([org, "Code Bridge Bootcamp", ""])
        elif area != "founder" and rng.random() < partner_odds:
            org, domain = rng.choice(PARTNERS)
        else:
            org = rng.choice(AREAS[area]["orgs"])

        if loc.get("family_first") and rng.random() < 0.35:
            display = f"{last} {first}"
        else:
            display = rng.choices([f"{first} {last}", f"{first} {last[0]}.", first], [85, 8, 7])[0]
        p = Person(
            email=self.unique_email(f"{_ascii(first)}.{_ascii(last)}", domain),
            display_name=display,
            gender=gender,
            city=city,
            country=country,
            tz=tz,
            area=area,
            seniority=seniority,
            years=rng.randint(low, high),
            title=title,
            org=org,
        )
        self.fill_languages(p, loc, native)
        self.fill_skills(p)
        self.fill_profile(p)
        self.fill_demographics(p)
        # Some members signed up and never finished their profile.
        roll = rng.random()
        if roll < 0.08:
            self.make_sparse(p)
        elif roll < 0.24:
            self.make_partial(p)
        return p

    def fill_languages(self, p: Person, loc: dict, native: list[tuple[str, str]]) -> None:
        rng = self.rng
        p.languages = dict(native)
        chance, level = loc["english"]
        if rng.random() < chance:
            if level != NATIVE and rng.random() < 0.3:
                level = rng.choice([FLUENT, CONVERSATIONAL, BASIC])
            p.languages["en"] = level
        if not p.languages:
            p.languages["en"] = FLUENT
        if rng.random() < 0.18:
            extra = rng.choice([c for c in EXTRA_LANGUAGES if c not in p.languages])
            p.languages[extra] = rng.choice([BASIC, CONVERSATIONAL])
        if p.country in {"USA", "UK"} and rng.random() < 0.03:
            p.languages["asl" if p.country == "USA" else "bsl"] = CONVERSATIONAL

    def fill_skills(self, p: Person) -> None:
        rng, area = self.rng, AREAS[p.area]
        low, high = {"junior": (1, 3), "mid": (2, 4), "senior": (3, 5)}[p.seniority]
        haves = rng.sample(area["have"], min(len(area["have"]), rng.randint(3, 5)))
        if p.seniority == "senior":
            haves += [s for s in rng.sample(SENIOR_HAVES, 2) if s not in haves]
        for name in haves:
            p.have[name] = rng.randint(low, high)
        wants = [s for s in area["want"] + STAGE_WANTS[p.seniority] if s not in p.have]
        for name in rng.sample(wants, rng.randint(2, 4)):
            level = rng.randint(1, 2 if p.seniority == "junior" else 3)
            p.want[name] = (level, min(5, level + rng.randint(1, 2)))

    def fill_profile(self, p: Person) -> None:
        rng = self.rng
        pronouns = {
            "woman": ["she/her"] * 9 + ["she/they"],
            "man": ["he/him"] * 9 + ["he/they"],
            "nonbinary": ["they/them"] * 4 + ["she/they", "he/they"],
        }[p.gender]
        if p.gender == "nonbinary" or rng.random() < 0.5:
            p.pronouns = rng.choice(pronouns)
        at = f" at {p.org}" if p.org and ("student" in p.title or p.area != "student") else ""
        p.headline = p.title + (at if rng.random() < 0.75 else "")
        have = sorted(p.have, key=lambda s: -p.have[s])
        wants = list(p.want)
        hobby = rng.choice(HOBBIES)
        where = f" at {p.org}" if p.org else ""
        if p.area == "student":
            p.bio = (
                f"{p.title} based in {p.city}. I am curious about {_lower(wants[0])} and "
                f"looking for people to learn with. {hobby}"
            )
        elif p.seniority == "junior":
            p.bio = (
                f"Early in my career in {AREAS[p.area]['desc']}, currently {_lower(p.title)}"
                f"{where}. I enjoy {_lower(have[0])} and want to get better at "
                f"{_lower(wants[0])}. {hobby}"
            )
        else:
            span = f"{p.years} years in {AREAS[p.area]['desc']}"
            p.bio = rng.choice(
                [
                    f"{span}, now {_lower(p.title)}. People come to me for {_lower(have[0])} "
                    f"and {_lower(have[1])}. {hobby}",
                    f"I work on {_lower(have[0])} and {_lower(have[1])}{where}, from {p.city}. "
                    f"{span} so far. {hobby}",
                ]
            )
        p.goal = rng.choice(SENIOR_GOALS if p.seniority == "senior" else AREAS[p.area]["goals"])
        if p.seniority == "senior":
            p.objectives = (
                f"I would like to help others with {_lower(have[0])} and {_lower(have[1])}. "
                f"For myself: {p.goal[0].lower()}{p.goal[1:]}"
            )
        else:
            also = f" and {_lower(wants[1])}" if len(wants) > 1 else ""
            p.objectives = f"{p.goal} I would especially like help with {_lower(wants[0])}{also}."
        p.styles = {
            "meeting_structure": rng.choice(MeetingStructure.values),
            "feedback_style": rng.choices(FeedbackStyle.values, [55, 45])[0],
            "conversation_mode": rng.choices(ConversationMode.values, [65, 35])[0],
            "learning_style": rng.choice(LearningStyle.values),
        }
        formats = [Format.VIDEO.value] if rng.random() < 0.85 else []
        for fmt, odds in [(Format.ASYNC, 0.45), (Format.PHONE, 0.25), (Format.IN_PERSON, 0.2)]:
            if rng.random() < odds:
                formats.append(fmt.value)
        p.formats = formats or [Format.ASYNC.value]
        if rng.random() < 0.35:
            slug = _ascii(p.display_name)
            p.links = [rng.choice([f"https://{slug}.example.com", f"https://example.org/~{slug}"])]
        p.windows = self.windows()

    def windows(self) -> list[tuple[int, dt.time, dt.time]]:
        """Weekly windows in the member's own time zone, at most one a day."""
        rng = self.rng
        patterns = [
            ([0, 1, 2, 3], [(18, 0, 20, 0), (18, 30, 20, 0), (19, 0, 21, 0)]),
            ([0, 1, 2, 3, 4], [(12, 0, 13, 0), (12, 30, 13, 30)]),
            ([0, 1, 2, 3, 4], [(7, 30, 9, 0), (8, 0, 9, 0)]),
            ([1, 2, 3], [(14, 0, 16, 0), (15, 0, 17, 0)]),
            ([5, 6], [(10, 0, 12, 0), (16, 0, 18, 0)]),
        ]
        taken: set[int] = set()
        result = []
        for days, slots in rng.sample(patterns, rng.randint(1, 3)):
            h1, m1, h2, m2 = rng.choice(slots)
            for day in rng.sample(days, rng.randint(1, 2)):
                if day not in taken:
                    taken.add(day)
                    result.append((day, dt.time(h1, m1), dt.time(h2, m2)))
        return result

    def fill_demographics(self, p: Person) -> None:
        rng = self.rng
        if rng.random() > 0.65:
            return
        genders = {"woman": "Woman", "man": "Man", "nonbinary": "Non-binary"}
        values = {
            "gender-identity": genders[p.gender] if rng.random() > 0.03 else "I use another term",
            "age-range": rng.choice(AGE_BY_STAGE[p.seniority]),
            "first-generation": "Yes" if rng.random() < 0.4 else "No",
            "disability": "Yes" if rng.random() < 0.12 else "No",
            "caring-responsibilities": "Yes" if rng.random() < 0.3 else "No",
        }
        for key, value in values.items():
            if rng.random() < 0.85:
                p.demographics[key] = PREFER_NOT_TO_SAY if rng.random() < 0.07 else value

    def make_sparse(self, p: Person) -> None:
        p.sparse = True
        p.pronouns = p.headline = p.bio = p.objectives = ""
        p.styles, p.formats, p.links, p.windows = {}, [], [], []
        p.have, p.want, p.demographics, p.languages = {}, {}, {}, {}
        if self.rng.random() < 0.5:
            p.tz = ""

    def make_partial(self, p: Person) -> None:
        gaps = self.rng.sample(["bio", "windows", "styles", "formats", "objectives", "want"], 2)
        if "bio" in gaps:
            p.bio = ""
        if "windows" in gaps:
            p.windows = []
        if "styles" in gaps:
            p.styles = {"meeting_structure": p.styles["meeting_structure"]}
        if "formats" in gaps:
            p.formats = []
        if "objectives" in gaps:
            p.objectives = ""
        if "want" in gaps:
            p.want = {}

    def demo_people(self) -> dict[str, Person]:
        coordinator = Person(
            email=COORDINATOR_EMAIL,
            display_name="Rosa Delgado",
            pronouns="she/her",
            gender="woman",
            city="Lisbon",
            country="Portugal",
            tz="Europe/Lisbon",
            area="operations",
            seniority="senior",
            years=14,
            title="Programs lead",
            org="Lodestar community",
            headline="Programs lead, Lodestar community",
            bio=(
                "I coordinate our mentoring programs. Before that I ran volunteer programs for "
                "a literacy charity for eight years. Write to me about anything program-related."
            ),
            objectives="Help every member find the right people to learn with.",
            languages={"es": NATIVE, "en": FLUENT, "pt": CONVERSATIONAL},
            have={
                "Facilitation": 5,
                "Program evaluation": 4,
                "Volunteer management": 5,
                "Coaching": 4,
                "Project management": 4,
            },
            want={"Data visualization": (2, 4)},
        )
        mentor = Person(
            email=MENTOR_EMAIL,
            display_name="Priya Raman",
            pronouns="she/her",
            gender="woman",
            city="London",
            country="UK",
            tz="Europe/London",
            area="data",
            seniority="senior",
            years=12,
            title="Lead data scientist",
            org="Northwind Analytics",
            headline="Lead data scientist at Northwind Analytics",
            bio=(
                "Twelve years in data, from survey statistics to machine learning in "
                "production. I lead a team of six and mentor because someone once did it for "
                "me. Chess, cycling and far too many podcasts."
            ),
            objectives=(
                "I would like to help others with SQL, statistics and getting a first model "
                "into production. For myself: become a better coach for my own team."
            ),
            languages={"en": NATIVE, "hi": FLUENT, "ta": CONVERSATIONAL},
            have={
                "SQL": 5,
                "Python": 5,
                "Statistics": 5,
                "Data analysis": 5,
                "Data visualization": 4,
                "Machine learning": 4,
                "Coaching": 4,
                "Leadership": 4,
                "Public speaking": 3,
            },
            want={"Strategic planning": (2, 4), "Managing up": (3, 4)},
        )
        mentee = Person(
            email=MENTEE_EMAIL,
            display_name="Lucía Fernández",
            pronouns="she/her",
            gender="woman",
            city="Madrid",
            country="Spain",
            tz="Europe/Madrid",
            area="data",
            seniority="junior",
            years=1,
            title="Junior data analyst",
            org="Greenfield Retail",
            headline="Junior data analyst at Greenfield Retail",
            bio=(
                "Former secondary school maths teacher, now a junior data analyst. I love "
                "finding the story in a spreadsheet and want to get much better at SQL and "
                "charts. I dance salsa on Thursday evenings."
            ),
            objectives=(
                "Build a dashboard my team actually uses and explain it in our monthly review. "
                "I would especially like help with SQL and data visualization."
            ),
            goal="Build a dashboard my team actually uses and explain it in our monthly review.",
            languages={"es": NATIVE, "en": FLUENT, "fr": BASIC},
            have={"Excel & spreadsheets": 4, "Data analysis": 2, "Statistics": 3},
            want={
                "SQL": (2, 4),
                "Data visualization": (2, 4),
                "Python": (1, 3),
                "Confidence building": (2, 4),
            },
            demographics={"gender-identity": "Woman", "age-range": "25-34"},
        )
        admin = Person(
            email=ADMIN_EMAIL,
            display_name="Sam Okoye",
            pronouns="they/them",
            gender="nonbinary",
            city="Toronto",
            country="Canada",
            tz="America/Toronto",
            area="software",
            seniority="senior",
            years=11,
            title="Platform administrator",
            org="Lodestar community",
            headline="Platform administrator",
            bio="I keep this instance running. Questions about accounts or privacy: ask me.",
            languages={"en": NATIVE, "fr": CONVERSATIONAL},
            have={"Cloud infrastructure": 5, "Cybersecurity basics": 4, "Python": 4},
            is_staff=True,
        )
        people = {"coordinator": coordinator, "mentor": mentor, "mentee": mentee, "admin": admin}
        styles = [
            ("agenda", "direct", "live", "doing"),
            ("mix", "direct", "live", "discussing"),
            ("mix", "gentle", "written", "doing"),
            ("flow", "gentle", "live", "reading"),
        ]
        for p, (meeting, feedback, mode, learning) in zip(people.values(), styles, strict=True):
            self.emails.add(p.email)
            self.names.add(p.display_name)
            p.goal = p.goal or p.objectives
            p.styles = {
                "meeting_structure": meeting,
                "feedback_style": feedback,
                "conversation_mode": mode,
                "learning_style": learning,
            }
            p.formats = [Format.VIDEO.value, Format.ASYNC.value]
            p.windows = [
                (1, dt.time(18, 0), dt.time(20, 0)),
                (3, dt.time(12, 30), dt.time(13, 30)),
                (5, dt.time(10, 0), dt.time(12, 0)),
            ]
        return people

    # -- memberships, planned before anything is written ------------------------------------

    def plan_cohorts(self) -> dict[tuple[str, str], Cohort]:
        """Each program's past and current cohort, saved once their program exists."""
        cohorts = {}
        for offset, spec in enumerate(PROGRAMS):
            # Current cohorts started a few weeks ago and keep a rolling intake open.
            start = self.today - dt.timedelta(days=21 - 7 * offset)
            for phase, starts in [("past", start - dt.timedelta(days=364)), ("current", start)]:
                closes = starts - dt.timedelta(days=7)
                if phase == "current":
                    closes = self.today + dt.timedelta(days=21)
                cohorts[spec["key"], phase] = Cohort(
                    name=f"{starts:%B %Y} cohort",
                    applications_open=starts - dt.timedelta(days=30),
                    applications_close=closes,
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(weeks=spec["weeks"]),
                )
        return cohorts

    def plan_memberships(self, demo: dict[str, Person]) -> None:
        rng, mentor, mentee = self.rng, demo["mentor"], demo["mentee"]
        for p in [demo["coordinator"], demo["admin"]]:
            self.busy["past"].add(p.email)
            self.busy["current"].add(p.email)
        self.add_plan(mentor, "wid", "past", TI, MENTOR, S.COMPLETED, capacity=2)
        self.add_plan(mentor, "wid", "current", TI, MENTOR, S.ACTIVE, capacity=3)
        self.add_plan(mentee, "plc", "past", TP, PEER, S.COMPLETED)
        self.add_plan(mentee, "wid", "current", TI, MENTEE, S.ACTIVE)

        for phase in ["past", "current"]:
            if phase == "current":
                self.plan_graduates()
            for program, rows in COHORT_PLAN.items():
                for row_phase, track, role, status, count in rows:
                    if row_phase != phase:
                        continue
                    for _i in range(count):
                        capacity = None
                        if role == MENTOR:
                            capacity = 1 if program == "el" else rng.choice([1, 2, 2, 3])
                        person = self.pick(program, phase, role)
                        self.add_plan(person, program, phase, track, role, status, capacity)

    def plan_graduates(self) -> None:
        """Mentees who completed the last Women in Data cohort come back as mentors."""
        completed = [
            m
            for m in self.planned
            if m.program == "wid"
            and m.role == MENTEE
            and m.status == S.COMPLETED
            and m.person.email not in self.busy["current"]
        ]
        self.graduates = self.rng.sample(completed, 4)
        for source, status in zip(self.graduates, [S.ACTIVE, S.ACTIVE, S.APPROVED], strict=False):
            person = source.person
            person.have.update({s: min(5, level + 1) for s, level in person.have.items()})
            self.add_plan(person, "wid", "current", TI, MENTOR, status, capacity=1, graduate=True)
        # The fourth has been invited and has not answered yet: keep them out of current cohorts.
        self.busy["current"].add(self.graduates[3].person.email)

    def pick(self, program: str, phase: str, role: str) -> Person:
        def free(p: Person) -> bool:
            return not p.sparse and bool(p.have) and p.email not in self.busy[phase]

        # Who fits (strict), and who fits best (preferred most of the time).
        if program == "wid" and role == MENTEE:
            strict, prefer = (
                lambda p: p.gender != "man" and p.seniority != "senior",
                lambda p: p.area in {"data", "student", "software", "product"},
            )
        elif program == "wid":
            strict, prefer = (
                lambda p: p.seniority != "junior" and p.area in {"data", "software", "product"},
                lambda p: p.gender != "man" and p.area == "data",
            )
        elif role == MENTOR:
            strict, prefer = (lambda p: p.seniority == "senior", lambda p: p.years >= 12)
        elif role == MENTEE:
            strict, prefer = (lambda p: p.seniority == "mid", lambda p: p.area != "student")
        else:
            strict, prefer = (lambda p: p.seniority != "senior", lambda p: p.seniority == "junior")
        candidates = [p for p in self.people if free(p) and strict(p)]
        if not candidates:
            candidates = [p for p in self.people if free(p)]
        preferred = [p for p in candidates if prefer(p)]
        if preferred and self.rng.random() < 0.8:
            candidates = preferred
        return self.rng.choice(candidates)

    def add_plan(
        self,
        person: Person,
        program: str,
        phase: str,
        track: str,
        role: str,
        status: str,
        capacity: int | None = None,
        graduate: bool = False,
    ) -> None:
        self.busy[phase].add(person.email)
        plan = Planned(person, program, phase, track, role, status, capacity, graduate)
        plan.path = self.path(status, plan.automatic)
        plan.times = self.schedule(plan, self.cohorts[program, phase])
        own = [plan.times[0], plan.times[-1]] if status == S.WITHDRAWN else [plan.times[0]]
        person.first_seen = min([*own, person.first_seen or own[0]])
        person.last_seen = max([*own, person.last_seen or own[0]])
        self.planned.append(plan)

    def path(self, status: str, automatic: bool) -> list[str]:
        """The statuses a membership went through to reach `status` (see states.py)."""
        rng = self.rng
        if status == S.WITHDRAWN:
            return rng.choice(
                [
                    [S.APPLIED, S.APPROVED, S.ACTIVE, S.WITHDRAWN],
                    [S.APPLIED, S.APPROVED, S.ACTIVE, S.WITHDRAWN],
                    [S.APPLIED, S.APPROVED, S.WITHDRAWN],
                ]
            )
        # Only reviewed programs have a waiting list.
        if status == S.ACTIVE and not automatic and rng.random() < 0.1:
            return [S.APPLIED, S.WAITLISTED, S.APPROVED, S.ACTIVE]
        return {
            S.APPLIED: [S.APPLIED],
            S.APPROVED: [S.APPLIED, S.APPROVED],
            S.WAITLISTED: [S.APPLIED, S.WAITLISTED],
            S.DECLINED: [S.APPLIED, S.DECLINED],
            S.ACTIVE: [S.APPLIED, S.APPROVED, S.ACTIVE],
            S.COMPLETED: [S.APPLIED, S.APPROVED, S.ACTIVE, S.COMPLETED],
        }[status]

    def moment(self, day: dt.date) -> dt.datetime:
        hour, minute = self.rng.randint(7, 20), self.rng.randint(0, 59)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def schedule(self, plan: Planned, cohort: Cohort) -> list[dt.datetime]:
        """A time for each step of the path, in order, all before today."""
        rng, latest = self.rng, self.today - dt.timedelta(days=1)

        def after(day: dt.date, low: int, high: int) -> dt.date:
            high = max(0, min(high, (latest - day).days))
            return day + dt.timedelta(days=rng.randint(min(low, high), high))

        first_day = cohort.applications_open
        last_day = min(cohort.applications_close, latest)
        if plan.path == [S.APPLIED]:
            # Applications still waiting for a decision are recent.
            first_day = max(first_day, latest - dt.timedelta(days=18))
        for _attempt in range(40):
            day = first_day + dt.timedelta(days=rng.randint(0, (last_day - first_day).days))
            days = [day]
            for step in plan.path[1:]:
                prev = days[-1]
                if step == S.APPROVED and plan.automatic:
                    days.append(prev)
                elif step == S.ACTIVE:
                    days.append(max(cohort.starts_on, prev + dt.timedelta(days=1)))
                elif step == S.COMPLETED:
                    days.append(after(cohort.ends_on, 1, 6))
                elif step == S.WITHDRAWN:
                    days.append(after(prev, 5, 50))
                else:
                    days.append(after(prev, 2, 9))
            if days[-1] <= latest:
                break
            last_day = max(first_day, day - dt.timedelta(days=1))
        times = [self.moment(days[0])]
        for step, day in zip(plan.path[1:], days[1:], strict=True):
            if step == S.APPROVED and plan.automatic:
                times.append(times[-1] + dt.timedelta(seconds=1))
            else:
                times.append(max(self.moment(day), times[-1] + dt.timedelta(minutes=5)))
        return times

    # -- writing ----------------------------------------------------------------------------

    def write_people(self) -> None:
        rng = self.rng
        hashed = make_password(PASSWORD)
        users = []
        for p in self.people:
            # Members signed up before their first application and came back after their last.
            if p.first_seen:
                joined = p.first_seen - dt.timedelta(days=rng.randint(2, 60))
            else:
                joined = self.now - dt.timedelta(days=rng.randint(7, 500), hours=rng.randint(0, 23))
            since = p.last_seen or joined
            seen = since + (self.now - since) * rng.random() ** 0.2
            if p.sparse and rng.random() < 0.6:
                seen = None
            users.append(
                User(
                    email=p.email,
                    password=hashed,
                    time_zone=p.tz,
                    is_staff=p.is_staff,
                    is_superuser=p.is_staff,
                    date_joined=joined,
                    last_login=seen,
                )
            )
        User.objects.bulk_create(users)
        ids = dict(User.objects.filter(email__in=self.emails).values_list("email", "id"))
        for p in self.people:
            p.pk = ids[p.email]
        EmailAddress.objects.bulk_create(
            EmailAddress(user_id=p.pk, email=p.email, verified=True, primary=True)
            for p in self.people
        )
        # bulk_create skips the post_save signal that makes profiles.
        Profile.objects.bulk_create(
            Profile(
                user_id=p.pk,
                display_name=p.display_name,
                pronouns=p.pronouns,
                headline=p.headline,
                bio=p.bio,
                affiliation=p.org,
                location=f"{p.city}, {p.country}" if p.tz else "",
                objectives=p.objectives,
                formats=p.formats,
                links=p.links,
                **p.styles,
            )
            for p in self.people
        )
        ProfileLanguage.objects.bulk_create(
            ProfileLanguage(user_id=p.pk, language=code, proficiency=level)
            for p in self.people
            for code, level in p.languages.items()
        )
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(user_id=p.pk, weekday=day, start=start, end=end)
            for p in self.people
            for day, start, end in p.windows
        )

    def write_taxonomy(self) -> dict[str, int]:
        # ignore_conflicts: the organization may already have part of this taxonomy.
        SkillCategory.objects.bulk_create(
            (SkillCategory(name=name, order=i) for i, (name, _skills) in enumerate(TAXONOMY)),
            ignore_conflicts=True,
        )
        categories = dict(SkillCategory.objects.values_list("name", "id"))
        Skill.objects.bulk_create(
            (
                Skill(category_id=categories[cat], name=name, slug=slugify(name), synonyms=synonyms)
                for cat, skills in TAXONOMY
                for name, synonyms in skills
            ),
            ignore_conflicts=True,
        )
        return dict(Skill.objects.values_list("name", "id"))

    def write_skills(self, skills: dict[str, int]) -> None:
        rows = [
            UserSkill(user_id=p.pk, skill_id=skills[name], kind=SkillKind.HAVE, level=level)
            for p in self.people
            for name, level in p.have.items()
        ]
        rows += [
            UserSkill(
                user_id=p.pk,
                skill_id=skills[name],
                kind=SkillKind.WANT,
                level=level,
                target_level=target,
            )
            for p in self.people
            for name, (level, target) in p.want.items()
        ]
        UserSkill.objects.bulk_create(rows)

    def write_demographics(self) -> None:
        questions = {}
        for order, (key, label, help_text, options) in enumerate(DEMOGRAPHICS):
            questions[key], _created = DemographicQuestion.objects.get_or_create(
                key=key,
                defaults={
                    "label": label,
                    "help_text": help_text,
                    "options": options,
                    "order": order,
                },
            )
        DemographicAnswer.objects.bulk_create(
            DemographicAnswer(user_id=p.pk, question=questions[key], value=value)
            for p in self.people
            for key, value in p.demographics.items()
        )

    def write_programs(self, coordinator: User) -> dict[str, dict[str, Any]]:
        programs = {}
        for spec in PROGRAMS:
            program = services.create_program(coordinator, **spec["fields"])
            weeks = dt.timedelta(weeks=spec["weeks"])
            cohorts = {}
            for phase in ["past", "current"]:
                cohort = cohorts[phase] = self.cohorts[spec["key"], phase]
                cohort.program = program
                cohort.save()
            Milestone.objects.bulk_create(
                Milestone(cohort=cohort, name=name, due_on=cohort.starts_on + delta)
                for cohort in cohorts.values()
                for name, delta in [
                    ("Kick-off", dt.timedelta(0)),
                    ("Goals agreed", dt.timedelta(weeks=3)),
                    ("Midpoint check-in", weeks / 2),
                    ("Closing session", weeks),
                ]
            )
            questions = {}
            for order, (key, text, help_text, kind, options, required, audience) in enumerate(
                spec["questions"]
            ):
                questions[key] = IntakeQuestion.objects.create(
                    program=program,
                    text=text,
                    help_text=help_text,
                    kind=kind,
                    options=options,
                    required=required,
                    audience=audience,
                    order=order,
                )
            OnboardingItem.objects.bulk_create(
                OnboardingItem(program=program, text=text, audience=audience, order=order)
                for order, (text, audience) in enumerate(spec["onboarding"])
            )
            programs[spec["key"]] = {
                "program": program,
                "cohorts": cohorts,
                "tracks": {t.kind: t for t in program.tracks.all()},
                "questions": questions,
                "items": list(program.onboarding_items.all()),
            }
        return programs

    def write_memberships(self, programs: dict[str, dict[str, Any]], coordinator: User) -> None:
        rows = []
        for plan in self.planned:
            ctx = programs[plan.program]
            rows.append(
                Membership(
                    user_id=plan.person.pk,
                    program=ctx["program"],
                    cohort=ctx["cohorts"][plan.phase],
                    track=ctx["tracks"][plan.track],
                    role=plan.role,
                    status=plan.status,
                    capacity=plan.capacity,
                    status_changed_at=plan.times[-1],
                    created_at=plan.times[0],
                    updated_at=plan.times[-1],
                )
            )
        with keep_timestamps(Membership):
            Membership.objects.bulk_create(rows)
        ids = {
            (user_id, cohort_id): pk
            for user_id, cohort_id, pk in Membership.objects.values_list(
                "user_id", "cohort_id", "id"
            )
        }
        for plan, row in zip(self.planned, rows, strict=True):
            plan.pk = ids[(plan.person.pk, row.cohort_id)]

        transitions, audits = [], []
        for plan in self.planned:
            program_id = programs[plan.program]["program"].pk
            previous = ""
            for step, when in zip(plan.path, plan.times, strict=True):
                actor, note = self.actor_and_note(plan, step, coordinator)
                transitions.append(
                    MembershipTransition(
                        membership_id=plan.pk,
                        from_status=previous,
                        to_status=step,
                        actor_id=actor,
                        note=note,
                        created_at=when,
                    )
                )
                audits.append(
                    AuditLog(
                        actor_id=actor,
                        action=f"membership.{step}",
                        target_type="programs.membership",
                        target_id=str(plan.pk),
                        program_id=program_id,
                        data={"from_status": previous},
                        created_at=when,
                    )
                )
                previous = step
        MembershipTransition.objects.bulk_create(transitions)
        with keep_timestamps(AuditLog):
            AuditLog.objects.bulk_create(audits)
        self.write_answers_and_onboarding(programs)

    def write_answers_and_onboarding(self, programs: dict[str, dict[str, Any]]) -> None:
        rng = self.rng
        answers, done = [], []
        for plan in self.planned:
            ctx = programs[plan.program]
            for key, question in ctx["questions"].items():
                if not question.applies_to(plan.role):
                    continue
                value = self.answer(key, question, plan)
                if value is not None and (question.required or rng.random() < 0.7):
                    answers.append(
                        IntakeAnswer(membership_id=plan.pk, question=question, value=value)
                    )
            if plan.status not in ADMITTED_STATUSES:
                continue
            approved_at = plan.times[plan.path.index(S.APPROVED)]
            items = [i for i in ctx["items"] if i.applies_to(plan.role)]
            if plan.status == S.APPROVED:
                items = rng.sample(items, rng.randint(0, len(items)))
            elif rng.random() < 0.2:
                items = items[:-1]
            window = min(self.now - approved_at, dt.timedelta(days=14))
            done += [
                OnboardingCompletion(
                    membership_id=plan.pk, item=item, done_at=approved_at + window * rng.random()
                )
                for item in items
            ]
        IntakeAnswer.objects.bulk_create(answers)
        OnboardingCompletion.objects.bulk_create(done)

    def actor_and_note(self, plan: Planned, step: str, coordinator: User) -> tuple[int | None, str]:
        rng = self.rng
        if step == S.APPLIED:
            return plan.person.pk, "Accepted a graduation invitation." if plan.graduate else ""
        if step == S.WITHDRAWN:
            return plan.person.pk, rng.choice(WITHDRAW_NOTES)
        if step == S.APPROVED and plan.automatic:
            if plan.graduate:
                return None, "Graduated from mentee to mentor."
            return None, "Admitted automatically."
        notes = {
            S.APPROVED: ["", "", "Strong application, welcome!", "Good fit for this track."],
            S.WAITLISTED: [
                "We are waiting for a mentor with matching skills and will confirm within two "
                "weeks."
            ],
            S.DECLINED: [
                "Thank you for applying. This cohort is full for your track; please apply "
                "again next cycle.",
                "This cohort is aimed at people with a little more experience; Peer Learning "
                "Circles may suit you better right now.",
            ],
            S.ACTIVE: ["", "Attended the kick-off."],
            S.COMPLETED: ["Completed the cohort. Congratulations!"],
        }[step]
        return coordinator.pk, rng.choice(notes)

    def answer(self, key: str, question: IntakeQuestion, plan: Planned) -> Any:
        rng, p = self.rng, plan.person
        if key == "role":
            return p.headline or p.title
        if key == "six_months":
            return p.goal
        if key == "mentor_experience":
            best = sorted(p.have, key=lambda s: -p.have[s])[:2]
            return (
                f"{p.years} years in {AREAS[p.area]['desc']}, the last few as "
                f"{_lower(p.title)}. I have mentored {rng.randint(1, 6)} people informally and "
                f"enjoy helping with {_lower(best[0])} and {_lower(best[-1])}."
            )
        if key == "challenge":
            return rng.choice(CHALLENGES)
        if key == "anything":
            return rng.choice(COORDINATOR_NOTES) if rng.random() < 0.15 else None
        if question.kind == IntakeQuestion.Kind.SINGLE:
            return rng.choice(question.options)
        if question.kind == IntakeQuestion.Kind.MULTIPLE:
            return rng.sample(question.options, rng.randint(1, 3))
        if question.kind == IntakeQuestion.Kind.SCALE:
            return rng.choices([1, 2, 3, 4, 5], [1, 3, 4, 3, 1])[0]
        return None

    def write_invitations(self, programs: dict[str, dict[str, Any]], coordinator: User) -> None:
        rng, wid, el = self.rng, programs["wid"], programs["el"]
        sources = {g.person.email: g for g in self.graduates}
        invitations, stamps = [], []
        for plan in self.planned:
            if plan.graduate:
                invitations.append(
                    Invitation(
                        program=wid["program"],
                        cohort=wid["cohorts"]["current"],
                        email=plan.person.email,
                        role=Role.MENTOR,
                        kind=Invitation.Kind.GRADUATION,
                        message="You grew so much last cycle: come back and pass it on!",
                        invited_by=coordinator,
                        source_id=sources[plan.person.email].pk,
                        accepted_at=plan.times[0],
                    )
                )
                stamps.append(plan.times[0] - dt.timedelta(days=rng.randint(2, 10)))
            elif plan.program == "el":
                # Emerging Leaders is invite-only: every member came in through an invitation.
                invitations.append(
                    Invitation(
                        program=el["program"],
                        cohort=el["cohorts"][plan.phase],
                        email=plan.person.email,
                        role=plan.role,
                        invited_by=coordinator,
                        accepted_at=plan.times[0],
                    )
                )
                stamps.append(plan.times[0] - dt.timedelta(days=rng.randint(1, 14)))

        recently = self.now - dt.timedelta(days=3)
        waiting = self.graduates[3]
        invitations.append(
            Invitation(
                program=wid["program"],
                cohort=wid["cohorts"]["current"],
                email=waiting.person.email,
                role=Role.MENTOR,
                kind=Invitation.Kind.GRADUATION,
                message=(
                    "You finished the last cohort with flying colours. Would you mentor someone "
                    "this time?"
                ),
                invited_by=coordinator,
                source_id=waiting.pk,
            )
        )
        in_el = {m.person.email for m in self.planned if m.program == "el"}
        candidate = next(
            p
            for p in self.people
            if p.seniority == "mid"
            and not p.sparse
            and p.email not in in_el
            and p.email not in self.busy["current"]
        )
        invitations.append(
            Invitation(
                program=el["program"],
                cohort=el["cohorts"]["current"],
                email=candidate.email,
                role=Role.MENTEE,
                message="Your circle facilitator recommended you. We would love to have you.",
                invited_by=coordinator,
            )
        )
        invitations.append(
            Invitation(
                program=el["program"],
                cohort=el["cohorts"]["current"],
                email="new.leader@example.org",
                role=Role.MENTEE,
                invited_by=coordinator,
                emailed_at=recently,
            )
        )
        stamps += [recently] * 3
        for invitation, sent in zip(invitations, stamps, strict=True):
            invitation.created_at = sent
            invitation.updated_at = invitation.accepted_at or sent
        with keep_timestamps(Invitation, AuditLog):
            Invitation.objects.bulk_create(invitations)
            ids = dict(
                Invitation.objects.filter(token__in=[i.token for i in invitations]).values_list(
                    "token", "id"
                )
            )
            AuditLog.objects.bulk_create(
                AuditLog(
                    actor=coordinator,
                    action=f"invitation.{invitation.kind}",
                    target_type="programs.invitation",
                    target_id=str(ids[invitation.token]),
                    program_id=invitation.program_id,
                    data={"email": invitation.email},
                    created_at=invitation.created_at,
                )
                for invitation in invitations
            )

    def add_co_coordinator(self, program: Program, coordinator: User) -> None:
        # A co-coordinator helps with the largest program.
        in_wid = {m.person.email for m in self.planned if m.program == "wid"}
        helper = next(
            p
            for p in self.people
            if p.area == "data"
            and p.seniority == "senior"
            and p.gender == "woman"
            and not p.sparse
            and p.email not in in_wid
        )
        services.add_coordinator(program, User.objects.get(pk=helper.pk), coordinator)
