"""core.contact_policy: what Gigbox does with the detector, and how a site swaps it.

The form-error tests came from marketplace/tests/test_validators.py, the notice's from the
send path's (inbox); the site's hosts and the swapped class are pinned end to end in
inbox/tests/test_contact_policy.py and marketplace/tests/test_validators.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings

from core.contact_policy import CONTACT_DETAILS_CODE, ContactPolicy, get_contact_policy

SUPPORT = "write to support@gigbox.io please"


class PlainPolicy(ContactPolicy):
    """A site with its own words: what the swap tests install."""

    kind_labels = {**ContactPolicy.kind_labels, "phone": "telephone number"}
    notice_text = "Hidden: {listed}."


def message_for(text: str, policy: ContactPolicy | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        (policy or ContactPolicy()).refuse_contact_details(text)
    assert caught.value.code == CONTACT_DETAILS_CODE
    return caught.value.messages[0]


# Form fields ------------------------------------------------------------------------------------


def test_it_names_an_email_address():
    assert message_for("mail me at sam@gmail.com") == (
        'Contact details are not allowed here: "sam@gmail.\u2026" (email address). '
        "Keep the conversation on Gigbox."
    )


def test_it_names_a_phone_number():
    assert '"+1 415 555\u2026" (phone number)' in message_for("+1 415 555 0198")


def test_it_names_the_platform_of_a_link():
    assert '"wa.me/9198\u2026" (WhatsApp link)' in message_for("ping wa.me/919876543210")


@pytest.mark.parametrize(
    "text",
    ["Logo in 3 days for $25, 1920x1080", "", "English, Hindi", "Final_logo.png", "Brand guide"],
)
def test_harmless_text_passes(text):
    assert ContactPolicy().refuse_contact_details(text) is None


# Chat messages and file names --------------------------------------------------------------------


def test_a_message_is_delivered_masked_with_its_findings():
    masked = ContactPolicy().mask_message("call me on +44 7911 123456 tonight")
    assert masked.delivered_body == "call me on [contact hidden] tonight"
    assert [f["kind"] for f in masked.findings] == ["phone"]
    assert masked.findings[0]["value"] == "+447911123456"


def test_a_number_split_across_the_history_is_masked():
    history = ["my number is 0803", "555"]
    assert ContactPolicy().mask_message("1234").findings == []  # alone, four digits are nothing
    masked = ContactPolicy().mask_message("1234", history)
    assert masked.delivered_body == "[contact hidden]" and masked.findings[0]["split"] is True


def test_a_clean_message_is_delivered_as_written():
    masked = ContactPolicy().mask_message("I'll send the logo files tomorrow")
    assert (masked.delivered_body, masked.findings) == ("I'll send the logo files tomorrow", [])


def test_a_file_name_with_contact_details_is_caught():
    assert ContactPolicy().file_name_has_contact("call 0151 2345 6789.png")
    assert not ContactPolicy().file_name_has_contact("Final_logo_v2.png")


# The site's own hosts ----------------------------------------------------------------------------


@override_settings(GIGBOX_SITE_HOSTS=["Gigbox.io "])
def test_the_sites_hosts_come_from_settings_and_are_never_findings():
    policy = ContactPolicy()
    assert policy.site_hosts == ("gigbox.io",)
    assert policy.mask_message(SUPPORT).delivered_body == SUPPORT
    assert policy.refuse_contact_details(SUPPORT) is None
    assert not policy.file_name_has_contact("brief for support@gigbox.io.txt")
    assert policy.mask_message("mail sam@gmail.com").findings  # other hosts still are


def test_a_host_not_named_in_settings_is_masked():
    assert (
        ContactPolicy().mask_message(SUPPORT).delivered_body == "write to [contact hidden] please"
    )


# Words ------------------------------------------------------------------------------------------


def test_a_notice_lists_each_kind_once_in_order():
    findings = [{"kind": "phone"}, {"kind": "email"}, {"kind": "phone"}, {"kind": "link"}]
    assert ContactPolicy().notice(findings) == (
        "We hid a phone number, an email address and a link: sharing contact details is "
        "against the rules. Keep talking and paying on Gigbox, where your order is protected."
    )


def test_inside_a_running_order_the_notice_says_how_to_share_files():
    notice = ContactPolicy().notice([{"kind": "handle"}], in_active_order=True)
    assert notice is not None
    assert notice.startswith("We hid a messenger or social media handle: contact details stay")
    assert "attachments" in notice


def test_no_findings_no_notice_and_an_unknown_kind_is_contact_details():
    assert ContactPolicy().notice([]) is None
    assert ContactPolicy().notice([{"kind": "fax"}]).startswith("We hid contact details:")


def test_one_mapping_names_the_kinds_everywhere():
    policy = ContactPolicy()
    assert set(policy.kind_labels) == {"phone", "email", "handle", "link", "intent"}
    assert policy.label("handle") == policy.kind_labels["handle"]
    assert policy.label("link", "link.google_meet") == "Google Meet link"
    assert policy.label("link", "link.some_new_app") == "Some New App link"


def test_split_detection_reads_five_messages_of_the_last_fifteen_minutes():
    assert ContactPolicy.history_messages == 5
    assert ContactPolicy.history_window == timedelta(minutes=15)


# Swapping the class ------------------------------------------------------------------------------


def test_the_default_policy_is_made_once():
    assert type(get_contact_policy()) is ContactPolicy
    assert get_contact_policy() is get_contact_policy()


def test_a_site_names_its_own_class_in_settings():
    with override_settings(GIGBOX_CONTACT_POLICY=f"{__name__}.PlainPolicy"):
        policy = get_contact_policy()
        assert isinstance(policy, PlainPolicy)
        assert policy.notice([{"kind": "phone"}]) == "Hidden: a telephone number."
        assert "(telephone number)" in message_for("+1 415 555 0198", policy)
    assert type(get_contact_policy()) is ContactPolicy  # the override's end forgets it


def test_overriding_the_sites_hosts_makes_the_policy_again():
    before = get_contact_policy()
    with override_settings(GIGBOX_SITE_HOSTS=["gigbox.io"]):
        assert get_contact_policy() is not before
        assert get_contact_policy().site_hosts == ("gigbox.io",)
    assert "gigbox.io" not in get_contact_policy().site_hosts


@override_settings(GIGBOX_CONTACT_POLICY="datetime.timedelta")
def test_a_class_that_is_not_a_policy_is_refused():
    with pytest.raises(ImproperlyConfigured, match="not a ContactPolicy"):
        get_contact_policy()
