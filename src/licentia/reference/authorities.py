"""The competent authority of each Member State for dual-use export authorisations.

Under Regulation (EU) 2021/821 an individual or global export authorisation is granted by the
competent authority of the Member State where the exporter is resident or established (Art 12),
and "competent authority" is the one each Member State designates (Art 2). Member States notify
their authorities to the Commission, which publishes the list in the C series of the Official
Journal.

This table is curated by Licentia from that published list and from the authorities' own
websites. Ministries are renamed and reorganised often: re-check every name and address against
the latest Commission notice before relying on it, and update `_AUTHORITIES` when it changes.
Entries with a known doubt say so in `note`.
"""

from __future__ import annotations

from dataclasses import dataclass

from licentia.reference.eu import member_state

SOURCE = (
    "Curated from the Commission's published list of competent authorities: "
    "OJ C, Commission information note on competent authorities (check the latest edition)"
)


@dataclass(frozen=True, slots=True)
class CompetentAuthority:
    """A Member State's licensing authority for dual-use exports.

    `member_state` is the ISO alpha-2 code (GR, not EL). `name` is in an official language of
    that state, `name_en` in English. `note` records regional splits and open doubts.
    """

    member_state: str
    name: str
    name_en: str
    website: str
    source: str = SOURCE
    note: str = ""


_CHECK_UNIT = "Unit name to confirm against the latest notice."

_AUTHORITIES = {
    a.member_state: a
    for a in (
        CompetentAuthority(
            "AT",
            "Bundesministerium für Wirtschaft, Energie und Tourismus (BMWET), "
            "Abteilung Außenwirtschaftskontrollen",
            "Federal Ministry of Economy, Energy and Tourism, Export Control Department",
            "https://www.bmwet.gv.at",
            note="Ministry renamed in 2025 (formerly BMAW). " + _CHECK_UNIT,
        ),
        CompetentAuthority(
            "BE",
            "Gewestelijke vergunningsdiensten / Services régionaux des licences",
            "Regional licensing authorities (Flanders, Wallonia, Brussels-Capital)",
            "https://www.fdfa.be",
            note=(
                "Competence is regional, by where the exporter is established: Flanders, "
                "Departement Kanselarij en Buitenlandse Zaken, Dienst Controle Strategische "
                "Goederen; Wallonia, Service public de Wallonie, Direction des licences "
                "d'armes; Brussels-Capital, Bruxelles Économie et Emploi. The website is the "
                "Flemish service's."
            ),
        ),
        CompetentAuthority(
            "BG",
            "Междуведомствена комисия за експортен контрол и неразпространение на оръжията "
            "за масово унищожение към министъра на икономиката и индустрията",
            "Interministerial Commission for Export Control and Non-Proliferation of Weapons "
            "of Mass Destruction, Minister of Economy and Industry",
            "https://www.mi.government.bg",
        ),
        CompetentAuthority(
            "CY",
            "Υπουργείο Ενέργειας, Εμπορίου και Βιομηχανίας, Υπηρεσία Εμπορίου",
            "Ministry of Energy, Commerce and Industry, Trade Service",
            "https://meci.gov.cy",
        ),
        CompetentAuthority(
            "CZ",
            "Ministerstvo průmyslu a obchodu, Licenční správa",
            "Ministry of Industry and Trade, Licensing Administration",
            "https://www.mpo.gov.cz",
        ),
        CompetentAuthority(
            "DE",
            "Bundesamt für Wirtschaft und Ausfuhrkontrolle (BAFA)",
            "Federal Office for Economic Affairs and Export Control",
            "https://www.bafa.de",
        ),
        CompetentAuthority(
            "DK",
            "Erhvervsstyrelsen, Eksportkontrol",
            "Danish Business Authority, Export Control",
            "https://eksportkontrol.erhvervsstyrelsen.dk",
        ),
        CompetentAuthority(
            "EE",
            "Strateegilise kauba komisjon (Välisministeerium)",
            "Strategic Goods Commission (Ministry of Foreign Affairs)",
            "https://vm.ee",
        ),
        CompetentAuthority(
            "ES",
            "Subdirección General de Comercio Internacional de Material de Defensa y de "
            "Doble Uso, Secretaría de Estado de Comercio",
            "Sub-Directorate General for International Trade in Defence Material and "
            "Dual-Use Items, Secretariat of State for Trade",
            "https://comercio.gob.es",
        ),
        CompetentAuthority(
            "FI",
            "Ulkoministeriö, vientivalvonta",
            "Ministry for Foreign Affairs, Export Control",
            "https://um.fi",
            note=_CHECK_UNIT,
        ),
        CompetentAuthority(
            "FR",
            "Service des biens à double usage (SBDU), Direction générale des Entreprises",
            "Dual-Use Goods Service, Directorate-General for Enterprise",
            "https://sbdu.entreprises.gouv.fr",
        ),
        CompetentAuthority(
            "GR",
            "Υπουργείο Εξωτερικών",
            "Ministry of Foreign Affairs",
            "https://www.mfa.gr",
            note="Trade policy, with export licensing, moved to this ministry in 2019. "
            + _CHECK_UNIT,
        ),
        CompetentAuthority(
            "HR",
            "Ministarstvo vanjskih i europskih poslova",
            "Ministry of Foreign and European Affairs",
            "https://mvep.gov.hr",
            note=_CHECK_UNIT,
        ),
        CompetentAuthority(
            "HU",
            "Budapest Főváros Kormányhivatala, Kereskedelmi, Haditechnikai, "
            "Exportellenőrzési és Nemesfémhitelesítési Főosztály, Exportellenőrzési Osztály",
            "Government Office of the Capital City Budapest, Department of Trade, Defence "
            "Industry, Export Control and Precious Metal Assay, Export Control Unit",
            "https://mkeh.gov.hu",
        ),
        CompetentAuthority(
            "IE",
            "Department of Enterprise, Tourism and Employment, Export Control Unit",
            "Department of Enterprise, Tourism and Employment, Export Control Unit",
            "https://enterprise.gov.ie",
            note="Department renamed in 2025 (formerly Enterprise, Trade and Employment).",
        ),
        CompetentAuthority(
            "IT",
            "Ministero degli Affari Esteri e della Cooperazione Internazionale, Unità per le "
            "autorizzazioni dei materiali di armamento (UAMA)",
            "Ministry of Foreign Affairs and International Cooperation, Unit for the "
            "Authorisation of Armament Materials (UAMA)",
            "https://www.esteri.it",
            note="UAMA is the national authority for dual-use items as well as armaments.",
        ),
        CompetentAuthority(
            "LT",
            "Lietuvos Respublikos ekonomikos ir inovacijų ministerija",
            "Ministry of the Economy and Innovation",
            "https://eimin.lrv.lt",
            note=_CHECK_UNIT,
        ),
        CompetentAuthority(
            "LU",
            "Office du contrôle des exportations, importations et du transit (OCEIT), "
            "Ministère des Affaires étrangères et européennes",
            "Office for Export, Import and Transit Control, Ministry of Foreign and European "
            "Affairs",
            "https://guichet.public.lu/en/entreprises/import-export/licences/"
            "biens-double-usage/exportation-biens-double-usage.html",
        ),
        CompetentAuthority(
            "LV",
            "Stratēģiskas nozīmes preču kontroles komiteja (Ārlietu ministrija)",
            "Strategic Goods Control Committee (Ministry of Foreign Affairs)",
            "https://www.mfa.gov.lv",
        ),
        CompetentAuthority(
            "MT",
            "Commerce Department, Trade Services Directorate",
            "Commerce Department, Trade Services Directorate",
            "https://commerce.gov.mt",
            note=_CHECK_UNIT,
        ),
        CompetentAuthority(
            "NL",
            "Centrale Dienst voor In- en Uitvoer (CDIU)",
            "Central Import and Export Office",
            "https://www.rijksoverheid.nl/onderwerpen/exportcontrole-strategische-goederen",
            note="CDIU (part of Customs) handles applications for the Minister for Foreign "
            "Trade, who is the competent authority.",
        ),
        CompetentAuthority(
            "PL",
            "Ministerstwo Rozwoju i Technologii, Departament Kontroli Obrotu Towarami "
            "Strategicznymi",
            "Ministry of Economic Development and Technology, Department for Strategic Goods "
            "Trade Control",
            "https://www.gov.pl/web/rozwoj-technologia",
        ),
        CompetentAuthority(
            "PT",
            "Autoridade Tributária e Aduaneira, Direção de Serviços de Licenciamento",
            "Tax and Customs Authority, Licensing Services Directorate",
            "https://info.portaldasfinancas.gov.pt",
        ),
        CompetentAuthority(
            "RO",
            "Ministerul Afacerilor Externe, Departamentul pentru Controlul Exporturilor (ANCEX)",
            "Ministry of Foreign Affairs, Department for Export Controls (ANCEX)",
            "https://www.ancex.ro",
        ),
        CompetentAuthority(
            "SE",
            "Inspektionen för strategiska produkter (ISP)",
            "Inspectorate of Strategic Products",
            "https://isp.se",
        ),
        CompetentAuthority(
            "SI",
            "Ministrstvo za gospodarstvo, turizem in šport",
            "Ministry of the Economy, Tourism and Sport",
            "https://www.gov.si/drzavni-organi/ministrstva/"
            "ministrstvo-za-gospodarstvo-turizem-in-sport/",
            note=_CHECK_UNIT,
        ),
        CompetentAuthority(
            "SK",
            "Ministerstvo hospodárstva Slovenskej republiky",
            "Ministry of Economy of the Slovak Republic",
            "https://www.mhsr.sk",
            note=_CHECK_UNIT,
        ),
    )
}


def competent_authority(member_state_code: str) -> CompetentAuthority:
    """The competent authority of the current Member State with this code (ISO or EU, e.g. EL).

    A code that is unknown, or names a state that is not a Member State, raises `InvalidInput`.
    """
    return _AUTHORITIES[member_state(member_state_code).alpha2]


def all_authorities() -> list[CompetentAuthority]:
    """Every Member State's competent authority, ordered by ISO alpha-2 code."""
    return [_AUTHORITIES[code] for code in sorted(_AUTHORITIES)]
