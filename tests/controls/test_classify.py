"""Regression tests of the classification assistant: regulation facts and behaviour.

Every behaviour is checked on the curated excerpt alone (always runs) and, where the real
consolidated list is beside the project, on the full Annex I list as well.
"""

from __future__ import annotations

from functools import cache

import pytest

from licentia.controls.classify import Classification, Classifier, Outcome
from licentia.controls.curated import load_curated
from licentia.controls.importers.eu_annex_json import parse_eu_annex_json
from licentia.controls.model import is_within
from tests.conftest import shared_file

FULL_LIST = "controls/eu-annex-i-consolidated-2025-11-15.json"


@cache
def _excerpt_classifier() -> Classifier:
    return Classifier(load_curated().control_list(), load_curated())


@cache
def _full_classifier(path: str) -> Classifier:
    from pathlib import Path

    return Classifier(parse_eu_annex_json(Path(path)), load_curated())


@pytest.fixture(params=["excerpt", "full"])
def classifier(request: pytest.FixtureRequest) -> Classifier:
    if request.param == "excerpt":
        return _excerpt_classifier()
    return _full_classifier(str(shared_file(FULL_LIST)))


def _released_keys(result: Classification) -> set[str]:
    """The notes cited for the candidates a decontrol note released."""
    return {
        release.exclusion.key for candidate in result.released for release in candidate.released_by
    }


# ---------------------------------------------------------------- regulation facts


def test_5a001_j_is_ip_network_communications_surveillance(classifier: Classifier) -> None:
    entry = classifier.control_list.get("5A001.j")
    assert entry is not None
    assert entry.cyber_surveillance is True
    text = (entry.text + " " + entry.summary).lower()
    assert "ip network communications surveillance" in text


def test_5a001_f_2_covers_imsi_catchers(classifier: Classifier) -> None:
    result = classifier.classify(
        "IMSI catcher: a fake base station that logs the IMSI and IMEI of every phone nearby."
    )
    assert result.outcome == Outcome.CANDIDATES
    assert result.top == "5A001.f.2"


def test_5a004_b_excludes_logical_only_extraction(classifier: Classifier) -> None:
    result = classifier.classify(
        "Mobile forensic extraction kit limited to logical extraction from unlocked phones: "
        "copies contacts, messages and photos once the owner unlocks the device."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert "5a004b-logical-jailbreak" in _released_keys(result)


def test_5a004_b_excludes_jailbreaking_tools(classifier: Classifier) -> None:
    result = classifier.classify(
        "Jailbreak and rooting tool for phones, so owners can bypass lock screen restrictions "
        "of the vendor and install their own apps."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert "5a004b-logical-jailbreak" in _released_keys(result)


def test_4e001_c_excludes_vulnerability_disclosure(classifier: Classifier) -> None:
    result = classifier.classify(
        "Coordinated vulnerability disclosure programme: we report zero-day vulnerabilities "
        "and exploit details to the vendor before publication."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert "4e001-disclosure-incident-response" in _released_keys(result)


def test_5a001_j_excludes_marketing_systems(classifier: Classifier) -> None:
    result = classifier.classify(
        "Deep packet inspection at the ISP level to build customer segmentation for "
        "advertising campaigns."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert "5a001j-marketing-qos-qoe" in _released_keys(result)


def test_5a001_j_excludes_qos_and_qoe_systems(classifier: Classifier) -> None:
    result = classifier.classify(
        "Deep packet inspection on the national backbone for quality of service and "
        "quality of experience: traffic shaping per application."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert "5a001j-marketing-qos-qoe" in _released_keys(result)


def test_5d001_e_excludes_billing_and_mediation_devices(classifier: Classifier) -> None:
    for description in (
        "Billing software for telecom operators: rates intercepted calls per subscriber and "
        "lets investigators of fraud search call detail records by phone number.",
        "Mediation device software: collects intercepted call records from network elements, "
        "converts them to the handover interface format and passes them to the monitoring "
        "centre.",
    ):
        result = classifier.classify(description)
        assert result.outcome == Outcome.NOT_LISTED, description
        assert "5d001e-billing-mediation" in _released_keys(result), description


def test_facial_recognition_is_not_listed_with_the_art5_flag(classifier: Classifier) -> None:
    result = classifier.classify(
        "Facial recognition system that matches faces from street cameras against a watchlist."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert [flag.category.key for flag in result.non_listed_flags] == ["facial-recognition"]
    assert "Art 5" in result.reason


def test_software_alone_is_insufficient_information(classifier: Classifier) -> None:
    result = classifier.classify("Software.")
    assert result.outcome == Outcome.INSUFFICIENT_INFORMATION
    assert result.top == Outcome.INSUFFICIENT_INFORMATION.value
    assert result.questions != ()


# ---------------------------------------------------------------- behaviour

BLINDNESS_DESCRIPTIONS = (
    "Software.",
    "IMSI catcher: a fake base station that logs the IMSI and IMEI of every phone nearby.",
    "Facial recognition system that matches faces from street cameras against a watchlist.",
    "VPN app for phones, AES-256, download from the app stores.",
    "Police monitoring centre software: receives intercepted calls from operators over the "
    "lawful interception handover interface, link charts of who contacts whom.",
    "Small office router with firewall, sold in shops and online.",
    "Mobile forensic unlock kit: gets into locked phones and makes a full memory image.",
)
DESTINATIONS = (
    " For export to Iran.",
    " For the Ministry of Interior of Russia.",
    " End user: the armed forces of the Democratic People's Republic of Korea.",
    " Customer: a government agency in Germany.",
)


@pytest.mark.parametrize("description", BLINDNESS_DESCRIPTIONS)
def test_destination_and_customer_never_change_the_answer(
    classifier: Classifier, description: str
) -> None:
    plain = classifier.classify(description)
    for suffix in DESTINATIONS:
        told = classifier.classify(description + suffix)
        assert told.outcome == plain.outcome, suffix
        assert told.ranked_answers() == plain.ranked_answers(), suffix


def test_each_released_candidate_cites_its_note(classifier: Classifier) -> None:
    for description in (
        "VPN app for phones and laptops, AES-256, download from the app stores.",
        "Chip-off and JTAG forensic workstation for damaged phones.",
        "Real-time charging and billing software for mobile operators.",
    ):
        result = classifier.classify(description)
        assert result.released != (), description
        for candidate in result.released:
            assert candidate.released_by != ()
            for release in candidate.released_by:
                assert release.exclusion.source_note != ""
                assert release.matched != ()
                assert any(is_within(candidate.path, p) for p in release.exclusion.releases)


def test_not_listed_reason_names_the_releasing_note(classifier: Classifier) -> None:
    result = classifier.classify(
        "VPN app for phones and laptops, AES-256, download from the app stores."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert "Cryptography Note" in result.reason


def test_the_answer_is_the_first_ranked_answer(classifier: Classifier) -> None:
    result = classifier.classify(
        "Backpack cell-site simulator that logs the IMSI and IMEI of phones nearby."
    )
    assert result.ranked_answers()[0] == result.top


def test_software_for_a_listed_device_is_classified_as_software(
    classifier: Classifier,
) -> None:
    result = classifier.classify(
        "Companion PC application for our passcode bypass and memory imaging box: drives the "
        "box and receives the images."
    )
    assert result.product_group == "D"
    assert result.top == "5D002.a.3.b"


def test_noise_jammer_is_not_5a001_f_3(classifier: Classifier) -> None:
    result = classifier.classify(
        "Cellular jammer that blasts noise over all mobile bands so no phone in the room works."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert "5a001f3-non-selective" in _released_keys(result)


def test_ordinary_products_are_not_listed(classifier: Classifier) -> None:
    for description in (
        "Small office Wi-Fi router with firewall and VPN for ten users, sold in shops and online.",
        "Colour dome IP camera for shops with infrared night vision and a phone app.",
    ):
        assert classifier.classify(description).outcome == Outcome.NOT_LISTED, description


# ---------------------------------------------------------------- full list only


def test_full_list_picks_the_sub_entry_whose_thresholds_the_figures_meet() -> None:
    classifier = _full_classifier(str(shared_file(FULL_LIST)))
    adc = classifier.classify("Analogue-to-digital converter chip, 12-bit, 1.5 GSPS, raw samples.")
    assert adc.top == "3A001.a.5.a.3"
    quantum = classifier.classify(
        "Gate-based quantum computer with 120 qubits, all working and connected, CNOT error 5x10^-4."
    )
    assert quantum.top == "4A506.a.2"


def test_full_list_thermal_camera_at_9_hz_is_released_by_note_3() -> None:
    classifier = _full_classifier(str(shared_file(FULL_LIST)))
    result = classifier.classify(
        "Uncooled microbolometer thermal camera, 8-14 um, 9 Hz, fixed lens."
    )
    assert result.outcome == Outcome.NOT_LISTED
    assert "6a003b4-note3-frame-rate" in _released_keys(result)
    faster = classifier.classify("Uncooled microbolometer thermal camera, 8-14 um, 30 Hz.")
    assert faster.top == "6A003.b.4.b"


def test_a_detector_of_a_listed_item_is_not_that_item(classifier: Classifier) -> None:
    result = classifier.classify(
        "IMSI catcher detector: a sensor that raises an alarm when a fake base station "
        "operates near the building."
    )
    assert result.top == "5A001.f.4"


def test_quantum_key_distribution_is_quantum_cryptography(classifier: Classifier) -> None:
    result = classifier.classify(
        "Quantum key distribution (QKD) system sharing keys between two sites over fibre"
    )
    assert result.top == "5A002.c"


def test_withheld_details_are_insufficient_information(classifier: Classifier) -> None:
    result = classifier.classify("Monitoring platform for agencies. Specifications under NDA.")
    assert result.outcome is Outcome.INSUFFICIENT_INFORMATION


def test_full_list_counts_per_unit_figures_with_their_count() -> None:
    classifier = _full_classifier(str(shared_file(FULL_LIST)))
    # 64 transceivers at 16 Gb/s each aggregate to 1,024 Gb/s, above the 500 Gb/s threshold.
    fast = classifier.classify("FPGA device with 64 serial transceivers at 16 Gb/s each")
    slow = classifier.classify("FPGA device with 8 serial transceivers at 16 Gb/s each")
    assert fast.top == "3A001.a.7.b"
    assert slow.top != "3A001.a.7.b"


def test_full_list_incidental_features_are_not_evidence() -> None:
    classifier = _full_classifier(str(shared_file(FULL_LIST)))
    # A permanent magnet and room temperature say nothing about what a teaching computer is.
    result = classifier.classify(
        "Desktop 2-qubit quantum computer for classrooms, NMR with a permanent magnet, "
        "works at room temperature."
    )
    assert result.outcome is Outcome.NOT_LISTED
