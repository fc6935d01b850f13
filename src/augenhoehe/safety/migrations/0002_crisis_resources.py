"""Ship current crisis lines for Germany, Austria and Switzerland (plus UK and US for
English speakers). Admins can edit them; ``last_checked`` is the date the entries were
last compared with the providers' published information."""

import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 11, 24)

RESOURCES = [
    # country, language, name, phone, hours, description, web, audience, emergency, order
    ("DE", "de", "Notruf (Rettungsdienst, Feuerwehr)", "112", "24/7",
     "Bei akuter Lebensgefahr.", "", "everyone", True, 1),
    ("DE", "de", "Polizei", "110", "24/7", "", "", "everyone", True, 2),
    ("DE", "de", "TelefonSeelsorge", "0800 111 0 111", "24/7",
     "Anonym und kostenfrei, auch per Chat und Mail.", "https://www.telefonseelsorge.de",
     "everyone", False, 10),
    ("DE", "de", "TelefonSeelsorge", "0800 111 0 222", "24/7",
     "Anonym und kostenfrei.", "https://www.telefonseelsorge.de", "everyone", False, 11),
    ("DE", "de", "TelefonSeelsorge", "116 123", "24/7",
     "Anonym und kostenfrei.", "https://www.telefonseelsorge.de", "everyone", False, 12),
    ("DE", "de", "Nummer gegen Kummer – Kinder- und Jugendtelefon", "116 111",
     "Mo–Sa 14–20 Uhr", "Für Kinder und Jugendliche, anonym.",
     "https://www.nummergegenkummer.de", "young", False, 20),
    ("AT", "de", "Notruf", "112", "24/7", "Euronotruf.", "", "everyone", True, 1),
    ("AT", "de", "Rettung", "144", "24/7", "", "", "everyone", True, 2),
    ("AT", "de", "TelefonSeelsorge", "142", "24/7", "Anonym und kostenfrei.",
     "https://www.telefonseelsorge.at", "everyone", False, 10),
    ("AT", "de", "Rat auf Draht", "147", "24/7", "Für Kinder, Jugendliche und Bezugspersonen.",
     "https://www.rataufdraht.at", "young", False, 20),
    ("CH", "de", "Notruf", "112", "24/7", "", "", "everyone", True, 1),
    ("CH", "de", "Sanität", "144", "24/7", "", "", "everyone", True, 2),
    ("CH", "de", "Die Dargebotene Hand", "143", "24/7", "Anonym, auch per Chat und Mail.",
     "https://www.143.ch", "everyone", False, 10),
    ("CH", "de", "Pro Juventute – Beratung + Hilfe 147", "147", "24/7",
     "Für Kinder und Jugendliche.", "https://www.147.ch", "young", False, 20),
    ("GB", "en", "Emergency services", "999", "24/7", "", "", "everyone", True, 1),
    ("GB", "en", "Samaritans", "116 123", "24/7", "Free, confidential.",
     "https://www.samaritans.org", "everyone", False, 10),
    ("US", "en", "Emergency services", "911", "24/7", "", "", "everyone", True, 1),
    ("US", "en", "988 Suicide & Crisis Lifeline", "988", "24/7", "Call or text.",
     "https://988lifeline.org", "everyone", False, 10),
]


def add_resources(apps, schema_editor):
    CrisisResource = apps.get_model("safety", "CrisisResource")
    for (country, language, name, phone, hours, description, web, audience, emergency,
         order) in RESOURCES:
        CrisisResource.objects.get_or_create(
            country=country,
            phone=phone,
            defaults=dict(
                language=language, name=name, hours=hours, description=description,
                web_url=web, audience=audience, is_emergency=emergency, order=order,
                last_checked=CHECKED,
            ),
        )


def remove_resources(apps, schema_editor):
    CrisisResource = apps.get_model("safety", "CrisisResource")
    for row in RESOURCES:
        CrisisResource.objects.filter(country=row[0], phone=row[3]).delete()


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]
    operations = [migrations.RunPython(add_resources, remove_resources)]
