import pytest

from engage.briefings.safe_messaging import check, check_fields, rules

HARMFUL = [
    ("He committed suicide last year.", "committed-suicide"),
    ("Her brother commits suicide in the film.", "committed-suicide"),
    ("It was a successful attempt.", "attempt-outcome"),
    ("After a failed suicide attempt she recovered.", "attempt-outcome"),
    ("An unsuccessful attempt is still a crisis.", "attempt-outcome"),
    ("Another suicide victim was named.", "suicide-victim"),
    ("There is a suicide epidemic among teens.", "sensational-scale"),
    ("Self-harm is skyrocketing on the platform.", "sensational-scale"),
    ("The shocking rise in cases.", "sensational-words"),
    ("Death can be a peaceful escape.", "glamorising"),
    ("The film makes it look romantic.", "glamorising"),
    ("It was the only way out for him.", "glamorising"),
    ("Bullying drove her to suicide.", "single-cause"),
    ("He hanged himself in the garage.", "method-named"),
    ("She overdosed on paracetamol.", "method-named"),
    ("They found a suicide note.", "method-named"),
    ("A man jumped from the bridge.", "method-location"),
    ("She took 40 pills.", "method-quantity"),
    ("Videos showing how to cut safely.", "method-how-to"),
    ("She lost 20 kg in two months.", "weight-numbers"),
    ("He weighed 45 kg at admission.", "weight-numbers"),
    ("Eating 800 calories a day.", "calorie-numbers"),
    ("A BMI of 14 is dangerous.", "bmi-and-sizes"),
    ("She wanted to fit a size zero.", "bmi-and-sizes"),
    ("Pro-ana accounts are back.", "pro-ed-framing"),
    ("Thinspiration hashtags trend.", "pro-ed-framing"),
    ("Anorexia is a lifestyle choice, they said.", "pro-ed-framing"),
    ("Before-and-after photos of recovery.", "before-after"),
    ("Cutting is just attention-seeking.", "attention-seeking"),
    ("Support for self-harmers.", "labelling-people"),
    ("He survived two unsuccessful suicide attempts.", "attempt-outcome"),
    ("She had a botched attempt in 2019.", "attempt-outcome"),
    ("He'd committed   suicide, the paper wrote.", "committed-suicide"),
    ("Self harmers are not the problem.", "labelling-people"),
    ("Teenagers who self-harm are not attention seekers.", "attention-seeking"),
]

# Caught since the rules became sets of stems that must meet within a few words, in any
# order (issue 10): each of these passed unflagged under the fixed-phrase patterns.
NEW_CATCHES = [
    ("Most completed suicides involve no prior contact with services.", "attempt-outcome"),
    ("Two suicides were completed in the county last year.", "attempt-outcome"),
    ("The rate of completed suicide rose.", "attempt-outcome"),
    ("The suicide was successful, the report says.", "attempt-outcome"),
    ("The attempt failed and he was found in time.", "attempt-outcome"),
    ("Her attempts were unsuccessful.", "attempt-outcome"),
    ("Attempts that failed are under-reported.", "attempt-outcome"),
    ("Suicide attempts that succeed are rarer than those that fail.", "attempt-outcome"),
    ("Suicide was committed by three students.", "committed-suicide"),
    ("Suicides committed by young men fell.", "committed-suicide"),
    ("People who commit a suicide leave families behind.", "committed-suicide"),
    ("The victims of a suicide cluster were teenagers.", "suicide-victim"),
    ("Victims of suicides deserve dignity.", "suicide-victim"),
    ("She was called a cutter at school.", "labelling-people"),
    ("Cutters share photos in closed groups.", "labelling-people"),
    ("Mentally ill people are more often victims than perpetrators.", "mentally-ill"),
    ("People who are mentally ill need services.", "mentally-ill"),
    ("The mentally ill are often blamed.", "mentally-ill"),
    ("He is seeking attention, they said.", "attention-seeking"),
    ("It is not about seeking attention.", "attention-seeking"),
    ("A MENTALLY-ILL man was arrested.", "mentally-ill"),
    ("It was an attempt at suicide which failed.", "attempt-outcome"),
    ("Unsuccessful suicides are rarely reported.", "attempt-outcome"),
    ("A suicide, committed in secret, shook the town.", "committed-suicide"),
    ("The man is mentally ill, his lawyer said.", "mentally-ill"),
    ("She is a former cutter who now mentors others.", "labelling-people"),
]

SAFE = [
    "We invest in suicide prevention with expert partners.",
    "Her father died by suicide; the family asked for privacy.",
    "Self-harm support is available around the clock.",
    "Eating disorder recovery is possible, and treatment works.",
    "Call the crisis line if you need help now.",
    "If you are struggling, talk to someone you trust.",
    "He survived a suicide attempt and now campaigns for better care.",
    "We remove content that promotes eating disorders.",
    "People who self-harm deserve compassion and care.",
    "Rates rose by 12% between 2019 and 2023, according to the ONS.",
    "A person with anorexia needs specialist treatment.",
    "Suicide is preventable, and support works.",
    "We worked with 14 experts from 9 countries on MH-SSH 3.1.",
    "Our helpline prompt reached 2 million people in 2025.",
    "Sessions last 45 minutes with a 15 minute break.",
    "Find support at the Samaritans, 116 123, free and 24/7.",
    # Close to the rules' words, but safe (issue 10): none may be flagged.
    "She died by suicide in 2021.",
    "We completed our suicide prevention review in March.",
    "A successful suicide prevention campaign reached every school.",
    "He survived a suicide attempt and speaks about recovery.",
    "People who survived suicide attempts shaped this policy.",
    "People living with mental illness deserve good care.",
    "Mental illness is common and treatable.",
    "Self-harm support is open every night.",
    "We are committed to suicide prevention.",
    "Our team committed to reducing suicide by 2030.",
    "Our first attempt at a policy failed, so we tried again.",
    "A successful attempt to remove harmful hashtags.",
    "The project failed to reach its target; suicide rates are unchanged.",
    "We completed the training. Suicide is preventable.",
    "Seek medical attention if you have hurt yourself.",
    "Pay attention to what young people are seeking online.",
    "Use a box cutter to open the parcel.",
    "That was a cookie-cutter policy.",
    "Our commitment to suicide prevention is long-term.",
    "Suicide awareness training was completed by all staff.",
    "He is ill with flu this week.",
    "She is mentally strong and physically ill.",
    "Victims of crime and people bereaved by suicide can both get support.",
    "A suicide risk assessment is completed at every visit.",
    "Loss survivors find hope in peer support.",
]


@pytest.mark.parametrize(("text", "rule_id"), HARMFUL, ids=[h[0][:40] for h in HARMFUL])
def test_harmful_phrasing_is_flagged_with_a_suggestion(text, rule_id):
    findings = check(text)
    assert rule_id in {f.rule_id for f in findings}, findings
    for finding in findings:
        assert finding.suggestion and finding.why and finding.matched
        assert finding.matched.lower() in text.lower()
        assert finding.line == 1


@pytest.mark.parametrize(("text", "rule_id"), NEW_CATCHES, ids=[h[0][:40] for h in NEW_CATCHES])
def test_reordered_and_inflected_wording_is_flagged(text, rule_id):
    findings = check(text)
    assert [f.rule_id for f in findings] == [rule_id], findings
    (finding,) = findings
    assert finding.matched in text and finding.why and finding.suggestion


@pytest.mark.parametrize("text", SAFE, ids=[s[:40] for s in SAFE])
def test_safe_phrasing_is_not_flagged(text):
    assert check(text) == []


def test_rules_are_data_with_why_and_suggestion():
    loaded = rules()
    assert len(loaded) >= 15
    assert len({r.id for r in loaded}) == len(loaded)
    assert all(r.why and r.suggestion and r.category for r in loaded)
    assert all(r.pattern or r.near for r in loaded)


def test_a_long_text_is_checked_quickly():
    import time

    text = "A failed attempt. A completed suicide. A cutter. Mentally ill people. " * 500
    started = time.perf_counter()
    assert len(check(text)) == 4 * 500
    assert time.perf_counter() - started < 5


def test_line_numbers_and_fields():
    findings = check_fields({"Key messages": "All good here.\nHe committed suicide.", "Objectives": ""})
    assert [(f.field, f.line, f.rule_id) for f in findings] == [("Key messages", 2, "committed-suicide")]


def test_matching_is_case_insensitive_and_word_bounded():
    assert check("COMMITTED SUICIDE")
    assert not check("uncommitted suicidepreventionfund")  # no word boundary, no match
