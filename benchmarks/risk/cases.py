"""Documented export cases and benign controls for the risk benchmark.

The documented cases are those of `../shared/domain/transparency-and-human-rights-data.md` §4
(and the SII rows it names), each with the year of the contract or licence, the technology as
today's list or Art 5 category would describe it, and the end user as the sources describe it.
When a source does not say what kind of body the end user was, `end_user_type` is None (the
model then counts an undeclared end user). No red flag is given: the run tests what the
destination's record, the technology and the end user alone say, with the data of the year.

The benign controls are ordinary sales to destinations with a strong record, written before
the model was run and not changed after.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    description: str
    destination: str
    year: int
    end_user_type: str | None
    items: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    expected: str = "high"  # "high" means high or very high; "low" means low
    source: str = ""


# fmt: off
DOCUMENTED: tuple[Case, ...] = (
    Case("1-idemia-cn", "Morpho/Idemia facial recognition, Shanghai Public Security Bureau", "CN", 2015, "police", categories=("facial-recognition",), source="Amnesty 2020, Out of Control"),
    Case("2-axis-cn", "Axis network cameras, Chinese public security (Skynet/Sharp Eyes)", "CN", 2015, "police", categories=("video-surveillance",), source="Amnesty 2020"),
    Case("3-noldus-cn", "Noldus FaceReader emotion recognition, Chinese universities linked to public security", "CN", 2015, "academic", categories=("emotion-recognition",), source="Amnesty 2020"),
    Case("4-finfisher-tr", "FinSpy intrusion software, Turkish intelligence (MIT)", "TR", 2015, "intelligence", items=("4D004",), source="ECCHR; netzpolitik 2019"),
    Case("5-gamma-bh", "FinFisher intrusion, Bahraini authorities (used against activists)", "BH", 2011, None, items=("4D004",), source="OECD complaint, UK NCP 2013"),
    Case("6-trovicor-bh", "Trovicor monitoring centre, Bahrain", "BH", 2010, None, items=("5D001.e",), source="Privacy International, OECD complaint"),
    Case("7-hackingteam-eg", "Hacking Team RCS, Egypt", "EG", 2015, None, items=("4D004",), source="Help Net Security 2016 (global authorisation of 3 Apr 2015)"),
    Case("7-hackingteam-sa", "Hacking Team RCS, Saudi Arabia", "SA", 2015, None, items=("4D004",), source="idem"),
    Case("7-hackingteam-et", "Hacking Team RCS, Ethiopia", "ET", 2015, None, items=("4D004",), source="idem"),
    Case("7-hackingteam-kz", "Hacking Team RCS, Kazakhstan", "KZ", 2015, None, items=("4D004",), source="idem"),
    Case("7-hackingteam-uz", "Hacking Team RCS, Uzbekistan", "UZ", 2015, None, items=("4D004",), source="idem"),
    Case("7-hackingteam-ae", "Hacking Team RCS, United Arab Emirates", "AE", 2015, None, items=("4D004",), source="idem"),
    Case("8-amesys-ly", "Amesys Eagle nationwide internet interception, Libyan intelligence", "LY", 2007, "intelligence", items=("5A001.j",), source="FIDH"),
    Case("9-nexa-eg", "Nexa Cerebro monitoring centre, Egyptian government", "EG", 2014, "other-government", items=("5D001.e",), source="FIDH"),
    Case("10-area-sy", "Area IP monitoring (Asfador), Syrian Telecom Establishment", "SY", 2011, "telecom-operator", items=("5A001.j",), source="La Stampa 2016; BIS 2014"),
    Case("11-eti-ae", "BAE/ETI Evident IP monitoring, United Arab Emirates", "AE", 2015, None, items=("5A001.j",), source="Wikipedia ETI; CPH Post 2017"),
    Case("11-eti-sa", "BAE/ETI Evident IP monitoring, Saudi Arabia", "SA", 2015, None, items=("5A001.j",), source="idem"),
    Case("11-eti-om", "BAE/ETI Evident IP monitoring, Oman", "OM", 2015, None, items=("5A001.j",), source="idem"),
    Case("11-eti-qa", "BAE/ETI Evident IP monitoring, Qatar", "QA", 2015, None, items=("5A001.j",), source="idem"),
    Case("11-eti-ma", "BAE/ETI Evident IP monitoring, Morocco", "MA", 2015, None, items=("5A001.j",), source="idem"),
    Case("11-eti-dz", "BAE/ETI Evident IP monitoring, Algeria", "DZ", 2015, None, items=("5A001.j",), source="idem"),
    Case("12-predator-mg", "Intellexa Predator, Madagascar (two Greek licences)", "MG", 2021, None, items=("4D004",), source="Keep Talking Greece 2023"),
    Case("12-predator-sd", "Intellexa Predator, Sudan (Rapid Support Forces, paramilitary)", "SD", 2022, "military", items=("4D004",), source="globalpolitics.info 2023"),
    Case("13-nso-mx", "NSO Pegasus, Mexico", "MX", 2018, None, items=("4D004",), source="EP answer E-005505/2020; Access Now"),
    Case("13-nso-sa", "NSO Pegasus, Saudi Arabia", "SA", 2018, None, items=("4D004",), source="idem"),
    Case("13-nso-ae", "NSO Pegasus, United Arab Emirates", "AE", 2018, None, items=("4D004",), source="idem"),
    Case("13-nso-hu", "NSO Pegasus, Hungary", "HU", 2018, None, items=("4D004",), source="idem"),
    Case("14-imsi-et", "Swiss IMSI catchers, Ethiopia", "ET", 2014, None, items=("5A001.f",), source="Privacy International blog 1604"),
    Case("14-imsi-id", "Swiss IMSI catchers, Indonesia", "ID", 2014, None, items=("5A001.f",), source="idem"),
    Case("14-imsi-th", "Swiss IMSI catchers, Thailand", "TH", 2014, None, items=("5A001.f",), source="idem"),
    Case("14-internet-ru", "Swiss internet monitoring (withdrawn), Russia", "RU", 2014, None, items=("5A001.j",), source="idem"),
    Case("14-internet-tm", "Swiss internet monitoring (withdrawn), Turkmenistan", "TM", 2014, None, items=("5A001.j",), source="idem"),
    Case("14-internet-ye", "Swiss internet monitoring (withdrawn), Yemen", "YE", 2014, None, items=("5A001.j",), source="idem"),
    Case("15-nsn-ir", "Nokia Siemens Networks monitoring centre, Telecommunication Company of Iran", "IR", 2008, "telecom-operator", items=("5D001.e",), source="AllGov 2011; Saharkhiz suit"),
    Case("sii-trovicor-et", "Trovicor monitoring centre, Ethiopia (SII Trovicor_Ethiopia_2010)", "ET", 2010, None, items=("5D001.e",), source="Privacy International SII transfers.json"),
)

BENIGN: tuple[Case, ...] = (
    Case("b-no-operator", "IP monitoring for network management and lawful interception, Norwegian operator", "NO", 2022, "telecom-operator", items=("5A001.j",), expected="low"),
    Case("b-jp-police", "Forensics tools, Japanese police", "JP", 2022, "police", items=("5A004.b",), expected="low"),
    Case("b-dk-retailer", "Video analytics, Danish retailer", "DK", 2022, "private", categories=("video-surveillance",), expected="low"),
    Case("b-ch-police", "Forensics tools, Swiss cantonal police", "CH", 2022, "police", items=("5A004.b",), expected="low"),
    Case("b-nz-operator", "Data-retention system, New Zealand operator", "NZ", 2022, "telecom-operator", categories=("data-retention",), expected="low"),
    Case("b-ca-police", "IMSI catcher, Canadian federal police", "CA", 2022, "police", items=("5A001.f",), expected="low"),
    Case("b-au-private", "Video analytics, Australian shopping centre operator", "AU", 2022, "private", categories=("video-surveillance",), expected="low"),
    Case("b-uy-academic", "Facial recognition research, Uruguayan university", "UY", 2022, "academic", categories=("facial-recognition",), expected="low"),
)
# fmt: on

# Revision 2 (licentia-default-2): fresh sets chosen, with their sources, BEFORE the revised
# model was run and without looking at their indicator values. Reported separately; never tuned.
# fmt: off
FRESH_DOCUMENTED: tuple[Case, ...] = (
    Case("f-nso-tg", "NSO Pegasus, Togo (Catholic bishop, opposition politicians)", "TG", 2019, None, items=("4D004",), source="Amnesty International & Citizen Lab, 'Togo: Catholic bishop and opposition politicians targeted with spyware' (Aug 2020)"),
    Case("f-nso-in", "NSO Pegasus, India (Bhima Koregaon activists, lawyers)", "IN", 2019, None, items=("4D004",), source="Citizen Lab / WhatsApp disclosure (Oct 2019); Amnesty & Forbidden Stories, Pegasus Project (Jul 2021)"),
    Case("f-nso-rw", "NSO Pegasus, Rwanda (dissidents in exile, their families)", "RW", 2019, None, items=("4D004",), source="Citizen Lab / WhatsApp disclosure (Oct 2019); Amnesty Security Lab, Pegasus Project (Jul 2021)"),
    Case("f-nso-ma", "NSO Pegasus, Morocco (human-rights defenders, journalist Omar Radi)", "MA", 2019, None, items=("4D004",), source="Amnesty International, 'Morocco: Human Rights Defenders Targeted with NSO Group's Spyware' (Oct 2019); Amnesty (Jun 2020)"),
    Case("f-nso-sv", "NSO Pegasus, El Salvador (El Faro and other journalists)", "SV", 2021, None, items=("4D004",), source="Citizen Lab & Access Now, 'Project Torogoz' (Jan 2022)"),
    Case("f-nso-th", "NSO Pegasus, Thailand (pro-democracy protesters and activists)", "TH", 2021, None, items=("4D004",), source="iLaw, DigitalReach & Citizen Lab, 'GeckoSpy' (Jul 2022)"),
    Case("f-nso-jo", "NSO Pegasus, Jordan (human-rights defenders, journalists)", "JO", 2021, None, items=("4D004",), source="Front Line Defenders & Citizen Lab (Apr 2022)"),
    Case("f-nso-pl", "NSO Pegasus, Poland, Central Anticorruption Bureau (opposition senator, lawyer, prosecutor)", "PL", 2017, "police", items=("4D004",), source="Citizen Lab (Dec 2021); Polish Supreme Audit Office and Senate committee (2022) on the 2017 purchase"),
    Case("f-cytrox-eg", "Cytrox/Intellexa Predator, Egypt (exiled politician Ayman Nour)", "EG", 2021, None, items=("4D004",), source="Citizen Lab, 'Pegasus vs. Predator' (Dec 2021)"),
    Case("f-hackingteam-az", "Hacking Team RCS, Azerbaijan, Ministry of National Security", "AZ", 2014, "intelligence", items=("4D004",), source="Citizen Lab, 'Mapping Hacking Team's Untraceable Spyware' (Feb 2014); Hacking Team client list leaked Jul 2015"),
    Case("f-cellebrite-mm", "Cellebrite UFED forensics, Myanmar Police Force (phones of Reuters journalists)", "MM", 2018, "police", items=("5A004.b",), source="Haaretz (2019) on the trial of Wa Lone and Kyaw Soe Oo; Justice for Myanmar (2021)"),
)

FRESH_BENIGN: tuple[Case, ...] = (
    Case("fb-de-operator", "Lawful-interception equipment, German operator", "DE", 2022, "telecom-operator", categories=("interception",), expected="low"),
    Case("fb-fr-operator", "IP monitoring for lawful interception, French operator", "FR", 2022, "telecom-operator", items=("5A001.j",), expected="low"),
    Case("fb-ee-operator", "Lawful-interception equipment, Estonian operator", "EE", 2022, "telecom-operator", categories=("interception",), expected="low"),
    Case("fb-es-operator", "Lawful-interception equipment, Spanish operator", "ES", 2022, "telecom-operator", categories=("interception",), expected="low"),
    Case("fb-lt-operator", "IP monitoring for lawful interception, Lithuanian operator", "LT", 2022, "telecom-operator", items=("5A001.j",), expected="low"),
    Case("fb-kr-operator", "Lawful-interception equipment, South Korean operator", "KR", 2022, "telecom-operator", categories=("interception",), expected="low"),
    Case("fb-ie-operator", "Data-retention system, Irish operator", "IE", 2022, "telecom-operator", categories=("data-retention",), expected="low"),
    Case("fb-pt-police", "Forensics tools, Portuguese judicial police", "PT", 2022, "police", items=("5A004.b",), expected="low"),
    Case("fb-cz-police", "Forensics tools, Czech police", "CZ", 2022, "police", items=("5A004.b",), expected="low"),
    Case("fb-tw-police", "Forensics tools, Taiwanese police", "TW", 2022, "police", items=("5A004.b",), expected="low"),
    Case("fb-fi-police", "Law-enforcement monitoring centre, Finnish police", "FI", 2022, "police", items=("5D001.e",), expected="low"),
)
# fmt: on
