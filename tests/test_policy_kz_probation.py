"""The kz-probation policy (issue 4 §5): Kazakhstan's four probation stages under the 2016 Law
on Probation, the individual programme of social and legal help, its services, juvenile
provisions, and labels in English, Russian and Kazakh (Cyrillic)."""

import re

import pytest

from rnr._planning import load_policy, plan
from rnr._planning._policy import _walk_labels
from rnr._planning._testing import make_assessment, need

KZ = load_policy("kz-probation")
NEEDS = [need("attitudes", "antisocial_cognition"), need("work", "education_employment"),
         need("leisure", "leisure_recreation"), need("accommodation", "none",
                                                      role="stabilisation")]


def test_four_probation_stages_and_their_outputs():
    stages = {s["id"]: s["output"] for s in KZ["stages"]}
    assert stages == {"pre_trial": "pre_trial_report", "sentencing": "individual_programme",
                      "penitentiary": "pre_release_plan",
                      "post_penitentiary": "individual_programme"}
    labels = {s["id"]: s["label"]["kk"] for s in KZ["stages"]}
    # Terms as they appear in the Law's Kazakh text (headings of Art. 13, 16, 17).
    assert labels["pre_trial"] == "Сотқа дейінгі пробация"
    assert labels["penitentiary"] == "Пенитенциарлық пробация"
    assert labels["post_penitentiary"] == "Пенитенциарлықтан кейінгі пробация"


def test_the_individual_programme_of_social_and_legal_help_is_the_output():
    p = plan(make_assessment("medium", NEEDS), KZ, stage="post_penitentiary")
    out = p.outputs[0]
    assert out["id"] == "individual_programme"
    assert out["label"]["ru"] == "Индивидуальная программа оказания социально-правовой помощи"
    assert out["label"]["kk"] == "Әлеуметтік-құқықтық көмек көрсетудің жеке бағдарламасы"
    assert set(out["sections"]) >= {"stabilisation", "services", "employment", "housing"}


def test_services_employment_referral_job_quota_adaptation_documents_treatment_mentors():
    ids = {s["id"] for s in KZ["services"]}
    assert ids >= {"employment_centre_referral", "job_quota", "adaptation_centre",
                   "document_restoration", "health_registration", "volunteers_mentors"}
    p = plan(make_assessment("high", NEEDS), KZ, stage="penitentiary",
             stabilisation=["identity_documents", "medical_treatment"])
    got = {s["id"]: s["for"] for s in p.services}
    assert "target:work" in got["employment_centre_referral"] and "job_quota" in got
    assert "stabilisation:housing" in got["adaptation_centre"]
    assert "stabilisation:identity_documents" in got["document_restoration"]
    assert "stabilisation:medical_treatment" in got["health_registration"]
    assert "target:leisure" in got["volunteers_mentors"]


def test_juvenile_provisions():
    p = plan(make_assessment("medium", NEEDS), KZ, juvenile=True)
    steps = [s["id"] for s in p.juvenile_profile["steps"]]
    assert steps == ["involve_legal_representatives", "continue_education", "mentor"]
    assert p.juvenile_profile["label"]["kk"].startswith("Кәмелетке толмаған")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_label_is_in_cyrillic_in_russian_and_kazakh(lang):
    latin = re.compile(r"[A-Za-z]")
    for path, label in _walk_labels(KZ.to_dict(), ""):
        text = label[lang]
        assert text.strip(), path
        # Allowed Latin: the citation "Hanson et al. 2017" and Roman numerals (Level I, 38-VI).
        stripped = re.sub(r"\(Hanson et al\. 2017\)|\b[IVX]+\b", "", text)
        assert not latin.search(stripped), (path, text)


def test_kazakh_labels_use_kazakh_letters():
    kk = " ".join(label["kk"] for _, label in _walk_labels(KZ.to_dict(), ""))
    assert set("әғқңөұүһі") & set(kk.lower()) >= set("әқңөұүі")


def test_plan_summary_in_each_language():
    p = plan(make_assessment("high", NEEDS), KZ, stage="penitentiary")
    assert "Пенитенциарлық пробация" in p.summary("kk")
    assert "Пенитенциарная пробация" in p.summary("ru")
    assert "Penitentiary probation" in p.summary("en")


def test_the_law_is_cited_and_unverified_articles_are_said_so():
    law = KZ.sources["kz-law-probation-2016"]
    assert "30 December 2016 No. 38-VI" in law["citation"]
    assert "Art. 1" in law["locator"] and "Art. 14 pre-trial report" in law["locator"]
    unverified = " ".join(KZ["policy"]["unverified"])
    assert "numbering after the amendments of 30.12.2021 was not checked" in unverified
    assert "sentencing probation was not seen" in unverified
    assert KZ.status == "not-validated"
    for stage in KZ["stages"]:
        assert "kz-law-probation-2016" in stage["source"]
