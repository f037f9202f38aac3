"""The objects the security matrix points its routes at, built on demand from the conftest tree.

Everything the county 长安区 owns carries the marker ``SECRET`` (or the household ID number), so a
page or API answer given to the sibling county 桥西区 can be searched for a leak.

    河北省 → 石家庄市 (parent) → 长安区 (own) → 建北街道 (child) → 建北社区
                             └─ 桥西区 (sibling)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

SECRET = "长安机密"
# The resident ID of the household in the county's ledger (shown masked to some, never to a sibling).
SECRET_ID = "11010519491231002X"
MARKERS = (SECRET, SECRET_ID, "110105********002X")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A Windows executable (the "MZ" header), whatever it is called.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode."
)

DAY = dt.date(2026, 3, 2)

COUNTY_READOUT = f"""长安区召开区委常委会
3月5日，长安区召开区委常委会会议。会议强调，建北街道要加快{SECRET}改造，年底前全部完工。
"""


class World:
    """Lazily built objects, one instance per test: ``world["county_task"]``."""

    def __init__(self, request: Any):
        self.request = request
        self.tree = request.getfixturevalue("tree")
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = getattr(self, f"make_{name}")()
        return self._cache[name]

    def user(self, key: str) -> Any:
        if key.startswith(("village-", "village2-")) and key not in self.tree.users:
            self.request.getfixturevalue("village_users")
        return self.tree.users[key]

    # --- tasks and reports -------------------------------------------------------------------

    def make_chain(self) -> dict:
        """province → city → county → township (the conftest chain)."""
        return self.request.getfixturevalue("chain")

    def make_county_source(self) -> Any:
        from luoshi.tasks import services

        return services.source_create(
            actor=self.tree.user("county", "supervisor"),
            issuer=self.tree.county,
            title=f"{SECRET}会议",
            date=DAY,
            sub_venues=[self.tree.township],
        )

    def make_county_task(self) -> Any:
        """A task the county issued to its township (visible to county, city, township)."""
        from luoshi.tasks import services

        task = services.task_create(
            actor=self.tree.user("county", "supervisor"),
            source=self["county_source"],
            title=f"{SECRET}任务",
            deadline=dt.date(2026, 6, 30),
        )
        services.task_assign(
            actor=self.tree.user("county", "supervisor"), task=task, units=[self.tree.township], today=DAY
        )
        return task

    def make_county_assignment(self) -> Any:
        """The county's own assignment (issued by the city): the county reports and decomposes."""
        assignment = self["chain"]["county"]
        type(assignment.task).objects.filter(pk=assignment.task_id).update(title=f"{SECRET}改造")
        return assignment

    def make_county_report(self) -> Any:
        from luoshi.reports import files
        from luoshi.reports.services import report_submit

        report, _ = report_submit(
            actor=self.tree.user("county", "reporter"),
            assignment=self["county_assignment"],
            text=f"{SECRET}进展：完成四成",
            percent=40,
            uploads=[files.Upload("进展.pdf", PDF)],
            idempotency_key="world-1",
        )
        return report

    def make_attachment(self) -> Any:
        return self["county_report"].attachments.get()

    # --- accounts and audit ------------------------------------------------------------------

    def make_token(self) -> Any:
        from luoshi.accounts.services import token_create

        user = self.tree.user("county", "reporter")
        token, _key = token_create(actor=user, user=user, name="phone")
        return token

    def make_audit_entry(self) -> Any:
        from luoshi.audit.models import AuditEntry

        self["county_report"]
        return AuditEntry.objects.filter(unit_path=self.tree.county.path).latest("pk")

    # --- readouts ----------------------------------------------------------------------------

    def make_draft(self) -> Any:
        from luoshi.readouts import services

        return services.draft_create(actor=self.tree.user("county", "supervisor"), text=COUNTY_READOUT)

    # --- indicators --------------------------------------------------------------------------

    def make_indicator(self) -> Any:
        """An indicator the county defined (its township sees it as issued from above)."""
        from luoshi.indicators import services

        indicator = services.indicator_create(
            actor=self.tree.user("county", "supervisor"),
            owner=self.tree.county,
            name=f"{SECRET}指标",
            measure_unit="户",
        )
        services.target_set(
            actor=self.tree.user("county", "supervisor"),
            indicator=indicator,
            unit=self.tree.township,
            year=2026,
            value=100,
        )
        return indicator

    # --- ledgers -----------------------------------------------------------------------------

    def make_ledger(self) -> Any:
        """The shipped household ledger, owned by the county and filled by its villages."""
        return self.request.getfixturevalue("poverty")

    def make_ledger_row(self) -> Any:
        from luoshi.ledgers import services
        from luoshi.ledgers.tests.test_services import HOUSEHOLD

        return services.row_submit(
            actor=self.user("village-reporter"),
            ledger=self["ledger"],
            unit=self.tree.village,
            values=HOUSEHOLD,
        ).row

    def make_verification(self) -> Any:
        from luoshi.ledgers import services
        from luoshi.ledgers.models import Verification
        from luoshi.ledgers.tests.test_services import HOUSEHOLD

        self["ledger_row"]
        services.row_submit(
            actor=self.user("village-reporter"),
            ledger=self["ledger"],
            unit=self.tree.village,
            values={**HOUSEHOLD, "stable": "是"},
        )
        return Verification.objects.get()

    def make_ledger_upload(self) -> Any:
        from luoshi.core.exceptions import DomainError
        from luoshi.ledgers import services
        from luoshi.ledgers.models import LedgerUpload
        from luoshi.ledgers.tests.test_excel import _filled

        data = _filled(self["ledger"], self.tree.village, [["", SECRET_ID, "x", "", "", "", ""]])
        try:
            services.rows_import(
                actor=self.user("village-reporter"),
                ledger=self["ledger"],
                unit=self.tree.village,
                data=data,
                filename="bad.xlsx",
            )
        except DomainError:
            pass
        return LedgerUpload.objects.latest("pk")

    # --- supervision -------------------------------------------------------------------------

    def make_notice(self) -> Any:
        """A supervision notice the city issued to the county (and the county's inbox message)."""
        from luoshi.supervision import services

        return services.notice_issue(
            actor=self.tree.user("city", "supervisor"),
            assignment=self["county_assignment"],
            problem=f"{SECRET}进度滞后",
            action="限期整改",
            reply_by=dt.date(2099, 1, 1),
            today=DAY,
        )

    def make_alert(self) -> Any:
        from luoshi.supervision.models import Alert

        return Alert.objects.filter(notice=self["notice"], unit=self.tree.county).first()

    def make_liaison(self) -> Any:
        """The city's leader liaises with (包联) the county."""
        from luoshi.supervision import services

        return services.liaison_add(
            actor=self.tree.user("city", "supervisor"),
            leader=self.tree.user("city", "leader"),
            unit=self.tree.county,
        )

    def make_channel(self) -> Any:
        from luoshi.supervision import services

        return services.channel_save(
            actor=self.tree.user("county", "supervisor"),
            unit=self.tree.county,
            kind="email",
            name=SECRET,
            target="duchashi@example.org",
        )

    def make_accountability(self) -> Any:
        from luoshi.supervision import services

        return services.accountability_record(
            actor=self.tree.user("city", "supervisor"),
            unit=self.tree.county,
            kind="interview",
            reason=f"{SECRET}问责",
            decided_on=DAY,
            person_name="张三",
        )

    # --- inspections -------------------------------------------------------------------------

    def make_checklist(self) -> Any:
        """A checklist the county defined and sent to its township for self-inspection."""
        from luoshi.inspections import services

        return services.checklist_create(
            actor=self.tree.user("county", "supervisor"),
            owner=self.tree.county,
            title=f"{SECRET}自查清单",
            items=[
                {"text": "建立工作台账", "standard": "台账齐全", "kind": "pass"},
                {"text": "人员到位", "standard": "到位率100%", "kind": "score", "max_score": 10},
            ],
        )

    def make_self_check(self) -> Any:
        """The township's self-inspection on the county's checklist."""
        from luoshi.inspections import services

        (sc,) = services.checklist_send(
            actor=self.tree.user("county", "supervisor"),
            checklist=self["checklist"],
            units=[self.tree.township],
            deadline=dt.date(2099, 1, 1),
            today=DAY,
        )
        return sc

    def make_spot_draw(self) -> Any:
        """A spot-check draw the county made: its township, checked by a county supervisor."""
        from luoshi.inspections import services

        return services.draw_create(
            actor=self.tree.user("county", "supervisor"),
            owner=self.tree.county,
            title=f"{SECRET}抽查",
            date=DAY,
            levels=["township"],
            share="1",
            inspectors=[self.tree.user("county", "supervisor")],
            inspectors_per_unit=1,
            checklist=self["checklist"],
            seed="matrix",
        )

    def make_inspection(self) -> Any:
        return self["spot_draw"].inspections.get()

    def make_finding(self) -> Any:
        """A problem the county found in its township, issued for rectification at once."""
        from luoshi.inspections import services

        return services.finding_create(
            actor=self.tree.user("county", "supervisor"),
            issuer=self.tree.county,
            unit=self.tree.township,
            source_kind="audit",
            description=f"{SECRET}资金拨付滞后",
            category="资金拨付滞后",
            measures="一月内完成拨付",
            deadline=dt.date(2099, 1, 1),
            found_on=DAY,
            today=DAY,
        )

    # --- assessment --------------------------------------------------------------------------

    def make_scheme(self) -> Any:
        """The county's assessment of its townships, with one criterion and one adjustment."""
        from luoshi.assessment import services

        return services.scheme_create(
            actor=self.tree.user("county", "supervisor"),
            owner=self.tree.county,
            name=f"{SECRET}考核",
            period_label="2026年二季度",
            period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 6, 30),
            level="township",
            bottom_n=1,
        )

    def make_criterion(self) -> Any:
        from luoshi.assessment import services

        return services.criterion_add(
            actor=self.tree.user("county", "supervisor"),
            scheme=self["scheme"],
            kind="completion_rate",
            weight=100,
            floor=0,
            target=100,
        )

    def make_adjustment(self) -> Any:
        from luoshi.assessment import services

        return services.adjustment_add(
            actor=self.tree.user("county", "supervisor"),
            scheme=self["scheme"],
            unit=self.tree.township,
            points=2,
            reason=f"{SECRET}加分",
            evidence="文件",
        )

    def make_run(self) -> Any:
        """An unpublished run: only those who see all of the scheme see it."""
        from luoshi.assessment import services

        self["criterion"]
        return services.run_compute(
            actor=self.tree.user("county", "supervisor"), scheme=self["scheme"], as_of=dt.date(2026, 6, 30)
        )
