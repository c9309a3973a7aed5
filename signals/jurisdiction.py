"""The jurisdiction profile (JURISDICTION, default BG): the deadline rules per kind and the legal wording of
decisions — the grounds of a refusal, the reasons to leave a request without consideration, the appeal route, the
tacit refusal, the superior body's extension of a proposal — so that another country's profile is a new entry
here, not a change to the console or the services.

Legal texts are the law's own terms in each interface language (the Bulgarian is the authoritative one; the
others fall back to it), like the status glossary in signals/workflow.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, has_app_context

from app.kinds import Kind

Text = dict[str, str]        # locale → wording; "bg" always present


@dataclass(frozen=True)
class Rule:
    """A period: an amount of calendar days, working days or months, and its legal basis."""

    amount: int
    unit: str                          # "days" | "working_days" | "months"
    basis: str
    extensions: tuple[tuple[str, int], ...] = ()   # (article, extra days from the period start)
    restart_on_clarification: bool = False


@dataclass(frozen=True)
class Profile:
    """What the law of one jurisdiction says about deadlines and decisions."""

    code: str
    rules: dict[Kind, Rule]
    refusal_grounds: dict[str, Text]              # code → the ground, with its article
    without_consideration: dict[Kind, dict[str, Text]]   # kind → reason code → the reason, with its article
    appeal_route: Text                            # {days}: the days from the decision's communication
    appeal_days: int
    tacit_refusal: Text                           # {until}: the last day to appeal it
    tacit_appeal_months: int
    min_access_term_days: int                     # a grant's term of access, at least
    currency: str
    proposal_extension_months: int                # the superior body extends a proposal up to this
    proposal_extension_basis: Text
    proposal_communication_days: int              # a decision on a proposal is communicated within
    decision_basis: dict[Kind, Text] = field(default_factory=dict)


def text(wording: Text, locale: str, **values) -> str:
    """A legal text in a locale (Bulgarian when the locale has none), with its placeholders filled."""
    return (wording.get(locale) or wording["bg"]).format(**values)


def _bg(service_target: int) -> Profile:
    service = Rule(service_target, "days", "service target")
    unclear = {"bg": "подателят не е отстранил нередовностите в 30-дневен срок от уведомяването (чл. 30, ал. 2 АПК)",
               "en": "the filer did not remedy the defects within 30 days of being told (APC art. 30(2))",
               "ru": "заявитель не устранил недостатки в течение 30 дней с уведомления (ст. 30, ч. 2 АПК)"}
    incomplete = {"bg": "заявлението не съдържа имената и адреса на подателя или същността на искането (чл. 29 АПК)",
                  "en": "the filing lacks the filer's names and address or what is asked (APC art. 29)",
                  "ru": "заявление не содержит имени и адреса заявителя или сути просьбы (ст. 29 АПК)"}
    apk = {"incomplete": incomplete, "not_clarified": unclear}
    return Profile(
        code="BG",
        rules={Kind.problem: service, Kind.question: service, Kind.letter: service, Kind.complaint: service,
               Kind.proposal: Rule(2, "months", "АПК чл. 118"),
               Kind.info_request: Rule(14, "days", "ЗДОИ чл. 28", extensions=(("30", 10), ("31", 14)),
                                       restart_on_clarification=True)},
        refusal_grounds={
            "13.2.1": {"bg": "чл. 13, ал. 2, т. 1 ЗДОИ: информацията е свързана с оперативната подготовка на актовете "
                             "на органа и няма самостоятелно значение",
                       "en": "ZDOI art. 13(2)(1): the information relates to the preparation of the body's acts and "
                             "has no significance of its own",
                       "ru": "ст. 13, ч. 2, п. 1 ЗДОИ: информация связана с оперативной подготовкой актов органа и "
                             "не имеет самостоятельного значения"},
            "13.2.2": {"bg": "чл. 13, ал. 2, т. 2 ЗДОИ: информацията съдържа мнения и позиции във връзка с текущи или "
                             "предстоящи преговори",
                       "en": "ZDOI art. 13(2)(2): the information holds opinions and positions on current or "
                             "forthcoming negotiations",
                       "ru": "ст. 13, ч. 2, п. 2 ЗДОИ: информация содержит мнения и позиции по текущим или "
                             "предстоящим переговорам"},
            "37.1.1": {"bg": "чл. 37, ал. 1, т. 1 ЗДОИ: информацията е класифицирана или друга защитена тайна",
                       "en": "ZDOI art. 37(1)(1): the information is classified or another secret protected by law",
                       "ru": "ст. 37, ч. 1, п. 1 ЗДОИ: информация засекречена или составляет иную охраняемую тайну"},
            "37.1.2": {"bg": "чл. 37, ал. 1, т. 2 ЗДОИ: достъпът засяга интересите на трето лице и няма неговото "
                             "изрично писмено съгласие",
                       "en": "ZDOI art. 37(1)(2): access affects a third party's interests and they have not "
                             "expressly consented in writing",
                       "ru": "ст. 37, ч. 1, п. 2 ЗДОИ: доступ затрагивает интересы третьего лица без его явного "
                             "письменного согласия"},
            "37.1.3": {"bg": "чл. 37, ал. 1, т. 3 ЗДОИ: информацията е предоставена на заявителя през предходните "
                             "6 месеца",
                       "en": "ZDOI art. 37(1)(3): the information was provided to the requester in the previous "
                             "6 months",
                       "ru": "ст. 37, ч. 1, п. 3 ЗДОИ: информация была предоставлена заявителю в предыдущие "
                             "6 месяцев"},
            "31.4": {"bg": "чл. 31, ал. 4 ЗДОИ: третото лице не е дало съгласие — достъп в обем, който не разкрива "
                           "информацията, отнасяща се до него",
                     "en": "ZDOI art. 31(4): the third party did not consent — access to the extent that does not "
                           "reveal the information about them",
                     "ru": "ст. 31, ч. 4 ЗДОИ: третье лицо не дало согласия — доступ в объёме, не раскрывающем "
                           "сведения о нём"},
        },
        without_consideration={
            Kind.info_request: {
                "incomplete": {"bg": "заявлението не съдържа трите имена или наименованието и седалището на заявителя, "
                                     "описание на исканата информация или адрес за кореспонденция (чл. 25, ал. 2 ЗДОИ)",
                               "en": "the request lacks the requester's names (or an organisation's name and seat), "
                                     "the description of the information or the address for correspondence "
                                     "(ZDOI art. 25(2))",
                               "ru": "в заявлении нет имени заявителя (или наименования и местонахождения "
                                     "организации), описания информации или адреса для переписки "
                                     "(ст. 25, ч. 2 ЗДОИ)"},
                "not_clarified": {"bg": "заявителят не е уточнил предмета на исканата информация в 30-дневен срок "
                                        "(чл. 29, ал. 2 ЗДОИ)",
                                  "en": "the requester did not clarify the information asked for within 30 days "
                                        "(ZDOI art. 29(2))",
                                  "ru": "заявитель не уточнил запрашиваемую информацию в течение 30 дней "
                                        "(ст. 29, ч. 2 ЗДОИ)"}},
            Kind.proposal: apk, Kind.letter: apk, Kind.complaint: apk,
        },
        appeal_route={"bg": "Решението подлежи на обжалване пред административния съд чрез органа, който го е издал, "
                            "в {days}-дневен срок от съобщаването му (чл. 40 ЗДОИ, чл. 149, ал. 1 и чл. 152 АПК).",
                      "en": "The decision may be appealed to the administrative court, through the body that issued "
                            "it, within {days} days of its communication (ZDOI art. 40; APC arts. 149(1) and 152).",
                      "ru": "Решение может быть обжаловано в административный суд через орган, который его издал, "
                            "в течение {days} дней с его сообщения (ст. 40 ЗДОИ; ст. 149, ч. 1 и ст. 152 АПК)."},
        appeal_days=14,
        tacit_refusal={"bg": "мълчалив отказ — може да се обжалва пред административния съд чрез органа в едномесечен "
                             "срок от изтичането на срока за решение, до {until} (чл. 149, ал. 2 АПК)",
                       "en": "tacit refusal — may be appealed to the administrative court, through the body, within "
                             "one month of the deadline's expiry, by {until} (APC art. 149(2))",
                       "ru": "молчаливый отказ — может быть обжалован в административный суд через орган в течение "
                             "одного месяца с истечения срока, до {until} (ст. 149, ч. 2 АПК)"},
        tacit_appeal_months=1,
        min_access_term_days=30,
        currency="EUR",
        proposal_extension_months=6,
        proposal_extension_basis={"bg": "чл. 118 АПК: срокът е удължен от горестоящия орган",
                                  "en": "APC art. 118: the time extended by the superior body",
                                  "ru": "ст. 118 АПК: срок продлён вышестоящим органом"},
        proposal_communication_days=7,
        decision_basis={Kind.info_request: {"bg": "чл. 28, ал. 2 и чл. 34 ЗДОИ", "en": "ZDOI arts. 28(2) and 34",
                                            "ru": "ст. 28, ч. 2 и ст. 34 ЗДОИ"},
                        Kind.proposal: {"bg": "чл. 118 и чл. 120 АПК", "en": "APC arts. 118 and 120",
                                        "ru": "ст. 118 и ст. 120 АПК"}},
    )


PROFILES = {"BG": _bg}


def profile(jurisdiction: str | None = None) -> Profile:
    """The profile of a jurisdiction (the configured JURISDICTION by default)."""
    code = jurisdiction or (current_app.config["JURISDICTION"] if has_app_context() else "BG")
    if code not in PROFILES:
        raise ValueError(f"no profile for jurisdiction {code!r}")
    target = current_app.config["SERVICE_TARGET_DAYS"] if has_app_context() else 30
    return PROFILES[code](target)
