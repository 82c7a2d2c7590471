"""Server-rendered pages: control list, compare, classification assistant, product catalogue."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from licentia.accounts.models import Membership, Organisation, OrganisationKind, Role
from licentia.controllists import services
from licentia.controllists.models import ControlListVersion
from licentia.controls.model import Definition, Note, NoteKind, Regime
from licentia.products import services as products
from licentia.products.models import Product, ProductClassification

CURATED = "2025-11-15"
NEXT = "2099-01-01"
IMSI = (
    "Active IMSI catcher that identifies mobile phones and their subscribers over the air interface"
)


@pytest.fixture
def curated() -> ControlListVersion:
    return services.import_curated().list_version


@pytest.fixture
def next_version(curated: ControlListVersion) -> ControlListVersion:
    """A later version: 5A001.f.2 gets legal text, a note and a defined term; 5A004.b goes."""
    base = services.core_list(list_version=curated)
    entries = []
    for entry in base.entries:
        if entry.path == "5A004.b":
            continue
        if entry.path == "5A001.f.2":
            entry = dataclasses.replace(
                entry,
                text="Equipment for the extraction of identifiers over the air interface.",
                notes=(Note(NoteKind.TECHNICAL_NOTE, "Identifiers include IMSI and IMEI."),),
                defined_terms=("air interface",),
            )
        entries.append(entry)
    modified = dataclasses.replace(
        base,
        version=NEXT,
        valid_from=date(2099, 1, 1),
        checksum="0" * 64,
        entries=tuple(entries),
        definitions=(
            Definition("air interface", "The radio link between a handset and a base station."),
        ),
    )
    return services.import_control_list(control_list=modified).list_version


def _member(username: str, organisation_name: str) -> object:
    user = get_user_model().objects.create_user(username=username, password="correct horse battery")
    organisation = Organisation.objects.create(
        name=organisation_name, kind=OrganisationKind.EXPORTER, member_state="BE"
    )
    Membership.objects.create(user=user, organisation=organisation, role=Role.EXPORTER_MEMBER)
    return user


@pytest.fixture
def member(db: None) -> object:
    return _member("alice", "Acme Networks")


@pytest.fixture
def member_client(member: object) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


def _csrf(client: Client, url: str) -> str:
    """Load a page so the CSRF cookie is set, and return the token to post with."""
    response = client.get(url)
    assert response.status_code == 200
    return client.cookies["csrftoken"].value


# Home and layout


@pytest.mark.django_db
def test_home_explains_and_links_every_page() -> None:
    response = Client().get(reverse("controls:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert 'href="#main"' in html
    assert 'id="main"' in html
    assert "Regulation (EU) 2021/821" in html
    assert "cyber-surveillance" in html
    for url in ["/controls/", "/controls/compare/", "/classify/", "/products/", "/api/v1/docs"]:
        assert f'href="{url}"' in html
    assert "Sign in" in html
    assert "licentia/site.css" in html


@pytest.mark.django_db
def test_signed_in_navigation_signs_out_with_a_post_form(member_client: Client) -> None:
    html = member_client.get("/").content.decode()
    assert 'action="/accounts/logout/"' in html
    assert 'method="post"' in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.django_db
def test_login_page_has_labelled_fields_and_signs_in(member: object) -> None:
    client = Client(enforce_csrf_checks=True)
    token = _csrf(client, "/accounts/login/?next=/products/")
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username"' in html
    assert '<label for="id_password"' in html
    response = client.post(
        "/accounts/login/",
        {
            "username": "alice",
            "password": "correct horse battery",
            "next": "/products/",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/products/"


@pytest.mark.django_db
def test_django_404_page_when_debug_is_off(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "There is no page at" in response.content.decode()


# Browse and search


@pytest.mark.django_db
def test_browse_shows_the_skeleton_and_the_version(curated: ControlListVersion) -> None:
    response = Client().get(reverse("controls:browse"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Category 5: Telecommunications and information security" in html
    assert "5A: Systems, equipment and components" in html
    assert "Category 0: Nuclear materials" in html
    assert 'href="/controls/eu-annex-i/2025-11-15/5A001/"' in html
    assert 'href="/controls/eu-annex-i/2025-11-15/4A005/"' in html
    assert "Cyber-surveillance" in html
    assert "Holds cyber-surveillance items" in html
    assert CURATED in html
    assert "Curated excerpt" in html
    assert "Licentia curated excerpt" in html  # source
    assert '<option value="2025-11-15"' in html


@pytest.mark.django_db
def test_search_ranks_hits_for_words(curated: ControlListVersion) -> None:
    response = Client().get(reverse("controls:browse"), {"q": "imsi catcher"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "5A001.f.2" in html
    assert "<mark>imsi</mark>" in html
    assert "Summary in Licentia's words" in html


@pytest.mark.django_db
def test_search_by_code_lists_the_entry_and_its_subtree(curated: ControlListVersion) -> None:
    html = Client().get(reverse("controls:browse"), {"q": "5A001.f"}).content.decode()
    assert 'href="/controls/eu-annex-i/2025-11-15/5A001.f/"' in html
    assert 'href="/controls/eu-annex-i/2025-11-15/5A001.f.2/"' in html


@pytest.mark.django_db
def test_search_for_an_unknown_code_is_404_with_closest_codes(curated: ControlListVersion) -> None:
    response = Client().get(reverse("controls:browse"), {"q": "5A001.zz"})
    html = response.content.decode()
    assert response.status_code == 404
    assert "Closest codes" in html
    assert "/controls/?q=5A001.j" in html


@pytest.mark.django_db
def test_unknown_regime_and_version_are_reported(curated: ControlListVersion) -> None:
    assert Client().get(reverse("controls:browse"), {"regime": "mars"}).status_code == 422
    response = Client().get(reverse("controls:browse"), {"version": "1999"})
    assert response.status_code == 404
    assert "known versions: 2025-11-15" in response.content.decode()


@pytest.mark.django_db
def test_browse_without_any_stored_version_is_404() -> None:
    response = Client().get(reverse("controls:browse"))
    assert response.status_code == 404
    assert "licentia setup" in response.content.decode()


@pytest.mark.django_db
def test_version_selector_shows_a_stored_older_or_newer_version(
    next_version: ControlListVersion,
) -> None:
    html = Client().get(reverse("controls:browse"), {"version": NEXT}).content.decode()
    assert f'<option value="{NEXT}" selected' in html
    assert f'href="/controls/eu-annex-i/{NEXT}/5A001/"' in html
    assert '<time datetime="2099-01-01">1 January 2099</time>' in html


# Entry


@pytest.mark.django_db
def test_entry_page_shows_summary_flags_questions_and_citation(curated: ControlListVersion) -> None:
    url = reverse("controls:entry", args=["eu-annex-i", CURATED, "5A001.f.2"])
    response = Client().get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Breadcrumb"' in html
    assert 'href="/controls/eu-annex-i/2025-11-15/5A001/"' in html
    assert 'href="/controls/eu-annex-i/2025-11-15/5A001.f/"' in html
    assert "Summary in Licentia's words" in html
    assert "Questions to answer" in html
    assert "IMSI" in html
    assert "Commission Recommendation (EU) 2024/2659" in html
    assert "Listed in Annex IV" in html
    assert "Excluded from the Union general export authorisations" in html
    assert "Wassenaar Arrangement" in html
    citation = services.core_list(list_version=curated).citation("5A001.f.2")
    assert citation in html
    assert "History across versions" in html
    assert "First stored version" in html


@pytest.mark.django_db
def test_entry_page_nests_sub_entries_and_lists_decontrol_notes(
    curated: ControlListVersion,
) -> None:
    html = (
        Client()
        .get(reverse("controls:entry", args=["eu-annex-i", CURATED, "5A001"]))
        .content.decode()
    )
    children = html.split("Sub-entries")[1]
    assert children.index("5A001.f/") < children.index("5A001.f.2/")
    assert children.count("<ul>") >= 2  # nested list
    decontrol = Client().get(reverse("controls:entry", args=["eu-annex-i", CURATED, "5A001.j"]))
    assert "Note to 5A001.j" in decontrol.content.decode()


@pytest.mark.django_db
def test_unknown_entry_is_404_with_the_closest_codes(curated: ControlListVersion) -> None:
    response = Client().get(reverse("controls:entry", args=["eu-annex-i", CURATED, "5A001.zz"]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "no entry" in html.lower()
    assert "Closest codes" in html
    assert 'href="/controls/eu-annex-i/2025-11-15/5A001.j/"' in html


@pytest.mark.django_db
def test_entry_in_a_later_version_shows_text_notes_terms_and_history(
    next_version: ControlListVersion,
) -> None:
    html = (
        Client()
        .get(reverse("controls:entry", args=["eu-annex-i", NEXT, "5A001.f.2"]))
        .content.decode()
    )
    assert "Equipment for the extraction of identifiers over the air interface." in html
    assert "Technical notes" in html
    assert "Identifiers include IMSI and IMEI." in html
    assert "“air interface”" in html
    assert "The radio link between a handset and a base station." in html
    assert "Changed" in html
    assert f"/controls/compare/?regime=eu-annex-i&amp;old={CURATED}&amp;new={NEXT}" in html
    assert f'href="/controls/eu-annex-i/{CURATED}/5A001.f.2/"' in html


# Compare


@pytest.mark.django_db
def test_compare_two_versions(next_version: ControlListVersion) -> None:
    response = Client().get(
        reverse("controls:compare"), {"regime": "eu-annex-i", "old": CURATED, "new": NEXT}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>0</strong> added" in html
    assert "<strong>1</strong> removed" in html
    assert "<strong>1</strong> changed" in html
    assert '<th scope="col">Fields changed</th>' in html
    assert f'href="/controls/eu-annex-i/{NEXT}/5A001.f.2/"' in html
    assert "text, notes, defined_terms" in html
    assert (
        f'href="/controls/eu-annex-i/{CURATED}/5A004.b/"' in html
    )  # removed: links the old version


@pytest.mark.django_db
def test_compare_without_choice_preselects_the_two_newest(next_version: ControlListVersion) -> None:
    html = Client().get(reverse("controls:compare")).content.decode()
    assert '<label for="id_old">' in html
    assert '<label for="id_new">' in html
    assert f'<option value="{CURATED}" selected' in html.split('id="id_new"')[0]
    assert f'<option value="{NEXT}" selected' in html.split('id="id_new"')[1]


@pytest.mark.django_db
def test_compare_with_one_version_says_so(curated: ControlListVersion) -> None:
    html = Client().get(reverse("controls:compare")).content.decode()
    assert "Import another version to compare" in html


# Classification assistant


@pytest.mark.django_db
def test_classify_form_says_it_ignores_destination_and_customer(
    curated: ControlListVersion,
) -> None:
    html = Client().get(reverse("controls:classify")).content.decode()
    assert '<label for="id_description">' in html
    assert "never looks at the destination or the customer" in html


def _classify(client: Client, description: str) -> str:
    token = _csrf(client, reverse("controls:classify"))
    response = client.post(
        reverse("controls:classify"),
        {"description": description, "regime": "eu-annex-i", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_classify_imsi_catcher_suggests_5a001_f_2(curated: ControlListVersion) -> None:
    html = _classify(Client(enforce_csrf_checks=True), IMSI)
    assert "Outcome: may be listed" in html
    assert 'href="/controls/eu-annex-i/2025-11-15/5A001.f.2/"' in html
    assert "Matching provisions" in html
    assert "Note to 5A001.f" in html
    assert "Questions to answer" in html
    assert "never looks at the destination, the customer or the end use" in html
    assert "version 2025-11-15 (curated excerpt)" in html


@pytest.mark.django_db
def test_classify_dpi_for_qos_is_released_by_the_note(curated: ControlListVersion) -> None:
    html = _classify(Client(enforce_csrf_checks=True), "DPI for QoS traffic shaping for operators")
    assert "Outcome: not listed" in html
    assert "Entries released by a decontrol note" in html
    assert "Released by <strong>Note to 5A001.j</strong>" in html
    assert "<mark>traffic shaping</mark>" in html


@pytest.mark.django_db
def test_classify_facial_recognition_points_to_art_5(curated: ControlListVersion) -> None:
    html = _classify(Client(enforce_csrf_checks=True), "facial recognition software for CCTV")
    assert "Possible non-listed cyber-surveillance item" in html
    assert "Art 2(20) and Art 5" in html
    assert "Recommendation (EU) 2024/2659" in html


@pytest.mark.django_db
def test_classify_without_description_is_422(curated: ControlListVersion) -> None:
    response = Client().post(reverse("controls:classify"), {"description": "  "})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.django_db
def test_classify_post_without_csrf_token_is_refused(curated: ControlListVersion) -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("controls:classify"), {"description": IMSI}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_classify_offers_saving_to_members_only(
    curated: ControlListVersion, member_client: Client
) -> None:
    anonymous = _classify(Client(enforce_csrf_checks=True), IMSI)
    assert "Sign in</a> to save" in anonymous
    signed_in = _classify(member_client, IMSI)
    assert 'action="/products/new/"' in signed_in
    assert "Save to my catalogue" in signed_in


# Product catalogue


@pytest.mark.django_db
def test_catalogue_requires_sign_in() -> None:
    for url in ["/products/", "/products/new/", "/products/1/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.django_db
def test_user_without_organisation_is_refused(db: None) -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_user(username="loner", password="x" * 12))
    response = client.get("/products/")
    assert response.status_code == 403
    assert "does not belong to an organisation" in response.content.decode()


@pytest.mark.django_db
def test_create_product_and_list_it(member_client: Client, curated: ControlListVersion) -> None:
    token = _csrf(member_client, reverse("products:create"))
    response = member_client.post(
        reverse("products:create"),
        {
            "name": "Sentinel",
            "description": IMSI,
            "internal_reference": "SN-1",
            "csrfmiddlewaretoken": token,
        },
    )
    product = Product.objects.get(name="Sentinel")
    assert response.status_code == 302
    assert response["Location"] == f"/products/{product.pk}/"
    detail = member_client.get(response["Location"]).content.decode()
    assert "“Sentinel” was added to your catalogue." in detail
    html = member_client.get("/products/").content.decode()
    assert "Sentinel" in html
    assert "SN-1" in html
    assert "Not classified" in html


@pytest.mark.django_db
def test_create_product_without_name_shows_the_error(member_client: Client) -> None:
    token = _csrf(member_client, reverse("products:create"))
    response = member_client.post(
        reverse("products:create"), {"name": "", "description": IMSI, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Product.objects.exists()


@pytest.fixture
def product(member: object) -> Product:
    organisation = Organisation.objects.get(name="Acme Networks")
    return products.create_product(organisation=organisation, name="Sentinel", description=IMSI)


@pytest.mark.django_db
def test_detail_runs_the_assistant_and_offers_the_questions(
    member_client: Client, product: Product, curated: ControlListVersion
) -> None:
    url = reverse("products:detail", args=[product.pk])
    html = member_client.get(url, {"suggest": "1"}).content.decode()
    assert "Outcome: may be listed" in html
    assert "choose=5A001.f.2#record" in html
    chosen = member_client.get(url, {"suggest": "1", "choose": "5A001.f.2"}).content.decode()
    assert 'value="5A001.f.2"' in chosen
    assert "Answers to the questions of the candidate" in chosen
    assert 'name="question_0"' in chosen
    assert 'name="answer_0"' in chosen
    assert '<label for="id_answer_0">Does it extract device or subscriber identifiers' in chosen


@pytest.mark.django_db
def test_record_classification_with_answers(
    member_client: Client, product: Product, curated: ControlListVersion
) -> None:
    url = reverse("products:detail", args=[product.pk])
    token = _csrf(member_client, url)
    response = member_client.post(
        url,
        {
            "regime": "eu-annex-i",
            "entry_path": "5a001.f.2",
            "question_0": "Does it extract subscriber identifiers?",
            "answer_0": "Yes, IMSI and IMEI",
            "rationale": "Passive and active identification of handsets.",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    record = ProductClassification.objects.get(product=product)
    assert record.entry_path == "5A001.f.2"
    assert record.list_version == curated
    assert record.answers == {"Does it extract subscriber identifiers?": "Yes, IMSI and IMEI"}
    assert record.classified_by is not None
    html = member_client.get(url).content.decode()
    assert "Yes, IMSI and IMEI" in html
    listing = member_client.get("/products/").content.decode()
    assert "5A001.f.2" in listing
    assert CURATED in listing


@pytest.mark.django_db
def test_record_not_listed(
    member_client: Client, product: Product, curated: ControlListVersion
) -> None:
    url = reverse("products:detail", args=[product.pk])
    token = _csrf(member_client, url)
    response = member_client.post(
        url,
        {
            "regime": "eu-annex-i",
            "entry_path": "not_listed",
            "rationale": "Billing only.",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert product.current_classification.entry_path == "NOT_LISTED"
    assert "Not listed" in member_client.get(url).content.decode()


@pytest.mark.django_db
def test_record_unknown_entry_shows_the_closest_codes(
    member_client: Client, product: Product, curated: ControlListVersion
) -> None:
    url = reverse("products:detail", args=[product.pk])
    token = _csrf(member_client, url)
    response = member_client.post(
        url,
        {
            "regime": "eu-annex-i",
            "entry_path": "5A001.zz",
            "rationale": "x",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 404
    assert "closest: 5A001" in response.content.decode()
    assert not ProductClassification.objects.exists()


@pytest.mark.django_db
def test_record_without_csrf_token_is_refused(member_client: Client, product: Product) -> None:
    response = member_client.post(
        reverse("products:detail", args=[product.pk]),
        {"regime": "eu-annex-i", "entry_path": "NOT_LISTED", "rationale": "x"},
    )
    assert response.status_code == 403
    assert not ProductClassification.objects.exists()


@pytest.mark.django_db
def test_another_organisations_product_is_404(
    product: Product, curated: ControlListVersion
) -> None:
    intruder = Client(enforce_csrf_checks=True)
    intruder.force_login(_member("mallory", "Other Org"))
    url = reverse("products:detail", args=[product.pk])
    response = intruder.get(url)
    assert response.status_code == 404
    assert f"No product {product.pk} in your catalogue" in response.content.decode()
    token = _csrf(intruder, "/products/")
    posted = intruder.post(
        url,
        {
            "regime": "eu-annex-i",
            "entry_path": "NOT_LISTED",
            "rationale": "x",
            "csrfmiddlewaretoken": token,
        },
    )
    assert posted.status_code == 404
    assert "Sentinel" not in intruder.get("/products/").content.decode()
    assert not ProductClassification.objects.exists()


@pytest.mark.django_db
def test_list_change_marks_the_product_for_review(
    member: object, product: Product, curated: ControlListVersion
) -> None:
    products.record_classification(
        product=product,
        list_version=curated,
        entry_path="5A001.f.2",
        answers={},
        rationale="Identifies handsets.",
        user=None,
    )
    base = services.core_list(list_version=curated)
    changed = tuple(
        dataclasses.replace(e, summary="Changed wording.") if e.path == "5A001.f.2" else e
        for e in base
    )
    services.import_control_list(
        control_list=dataclasses.replace(
            base, version=NEXT, valid_from=date(2099, 1, 1), checksum="1" * 64, entries=changed
        )
    )
    client = Client()
    client.force_login(member)
    html = client.get("/products/").content.decode()
    assert "Needs review" in html
    assert (
        f"version {NEXT} changed entries this classification relies on: 5A001.f.2 changed" in html
    )
    assert services.get_version(regime=Regime.EU_ANNEX_I).version == CURATED
