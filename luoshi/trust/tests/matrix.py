"""The security matrix: who may read and write every page and API route (DESIGN.md, "Who sees what").

Each entry names the object a route is pointed at (built by ``world.World``) and who may use it:

    see    units (or actors: "county-reporter") that can see the object at all; everyone else
           gets 404 ("does not exist")
    gate   roles the route requires before it looks at the object; others get 403
    read   who may GET it; a visible object refused to the rest is 403. None: GET answers 405
    write  who may POST it (same rules); "read": the view ignores the method (POST = GET)

Who is written ``unit-role`` ("county-reporter"), with ``*`` for any unit or role ("county-*",
"*-supervisor", "*"). Units: ``county`` 长安区 (own), ``city`` 石家庄市 (parent), ``sibling``
桥西区, ``township`` 建北街道 (child), ``province``, ``village`` 建北社区. Every case is tried by the
ACTORS below (plus anyone its patterns name) and by an anonymous client, with GET and POST.

A route in the URL configuration or the OpenAPI document without an entry here fails
``test_every_route_has_an_entry``: add one (the message names the route).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALL = ("*",)
V = "/api/v1"
UNITS = ("province", "city", "county", "sibling", "township", "village", "village2")
# county and its parent see what the county owns; the township sees what was issued to it.
UP = ("province", "city", "county")
# What the county sends its township (a checklist, a spot check, a problem) both see.
INSP = (*UP, "township")
# Who sees all of the county's assessment, unpublished runs included: the supervisors, leaders
# and administrators of the county and the units above it.
ASSESSORS = tuple(f"{u}-{r}" for u in UP for r in ("supervisor", "leader", "admin"))
ROLES = ("supervisor", "reporter", "leader", "admin")
ACTORS = (
    "county-supervisor",
    "county-reporter",
    "county-leader",
    "county-admin",
    "city-supervisor",
    "city-reporter",
    "sibling-supervisor",
    "sibling-reporter",
    "township-supervisor",
    "township-reporter",
)
# The view answers a refused write with a form error or a message instead of 403/404: any
# status but a server error, and nothing may be written (no audit entry).
NOWRITE = "nowrite"


@dataclass(frozen=True)
class Case:
    args: Callable[[Any], dict] | None = None
    see: tuple[str, ...] = ALL
    gate: tuple[str, ...] = ()
    read: tuple[str, ...] | None = ALL
    # Who can see the GET (a form page that needs no object) when it differs from ``see``.
    read_see: tuple[str, ...] | None = None
    write: tuple[str, ...] | str | None = None
    data: Callable[[Any], dict] | None = None
    # Actors refused without 403/404 (see NOWRITE), and extra actors to try.
    soft: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    query: str = ""
    htmx: bool = False
    logs_out: bool = False
    # The object is looked up before the role is checked (out of scope: 404 whatever the role).
    scope_first: bool = False
    # The write removes the object: after the first allowed actor, the next find it gone (404).
    once: bool = False
    note: str = ""


@dataclass(frozen=True)
class Op:
    """One OpenAPI operation: who may call it (``ok``), on which object, with which body."""

    args: Callable[[Any], dict] | None = None
    see: tuple[str, ...] = ALL
    gate: tuple[str, ...] = ()
    ok: tuple[str, ...] = ALL
    body: Callable[[Any], dict] | None = None
    soft: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    query: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


def pk(name: str, kw: str = "pk") -> Callable[[Any], dict]:
    return lambda w: {kw: w[name].pk}


def code(unit: str, **more: Any) -> Callable[[Any], dict]:
    return lambda w: {"code": w.tree.units[unit].code, **more}


def source_of(name: str, kw: str = "pk") -> Callable[[Any], dict]:
    return lambda w: {kw: w[name].source_id}


def _key() -> str:
    return uuid.uuid4().hex


def _report_form(w: Any) -> dict:
    return {"text": "进展", "percent": 50, "idempotency_key": _key()}


def _task_form(w: Any, unit: str) -> dict:
    return {
        "title": "分解任务",
        "cadence": "none",
        "units": [w.tree.units[unit].pk],
        "deadline": "2026-06-01",
    }


def _finding_form(w: Any) -> dict:
    return {"description": "问题", "severity": "general", "deadline": "2099-01-01"}


# Routes that landed before their entries were written: listed by name so that any other new
# route still fails; each entry written removes its name from here.
PENDING: set[str] = set()

# --- Pages, by URL name --------------------------------------------------------------------------

PAGES: dict[str, Case] = {
    # core, accounts, units, audit
    "home": Case(write="read"),
    "calendar": Case(gate=("admin",), actors=("city-admin",), write=ALL),
    "accounts:logout": Case(read=None, write=ALL, logs_out=True),
    "accounts:tokens": Case(write=ALL, data=lambda w: {"name": "laptop"}),
    "accounts:token_revoke": Case(
        args=pk("token"),
        see=("county-reporter",),
        read=None,
        write=ALL,
        note="a token is its user's alone: anyone else's is 404",
    ),
    "units:list": Case(write="read"),
    "units:detail": Case(args=code("county"), see=UP, write="read"),
    "audit:list": Case(gate=("admin",), write="read", actors=("sibling-admin",)),
    "audit:detail": Case(
        args=pk("audit_entry"), gate=("admin",), see=UP, write="read", actors=("sibling-admin", "city-admin")
    ),
    # tasks and reports
    "tasks:inbox": Case(write="read"),
    "tasks:source_list": Case(write="read"),
    "tasks:source_create": Case(
        gate=("supervisor",),
        write=ALL,
        data=lambda w: {"kind": "meeting", "title": "会", "date": "2026-03-01"},
    ),
    "tasks:source_detail": Case(args=source_of("county_task"), see=(*UP, "township"), write="read"),
    "tasks:source_export": Case(args=source_of("county_task"), see=(*UP, "township"), write="read"),
    "tasks:source_import": Case(
        args=source_of("county_task"),
        see=(*UP, "township"),
        read=None,
        write=("county-supervisor",),
    ),
    "tasks:source_relay": Case(
        args=source_of("county_task"),
        see=(*UP, "township"),
        read=None,
        write=("county-supervisor",),
    ),
    "tasks:task_create": Case(
        args=source_of("county_task"),
        see=(*UP, "township"),
        read=("county-supervisor",),
        write=("county-supervisor",),
        data=lambda w: {"title": "新任务", "cadence": "none"},
    ),
    "tasks:task_detail": Case(args=pk("county_task"), see=(*UP, "township"), write="read"),
    "tasks:task_assign": Case(
        args=pk("county_task"),
        see=(*UP, "township"),
        read=None,
        write=("county-supervisor",),
        data=lambda w: {"units": [w.tree.township.pk]},
    ),
    "tasks:task_cancel": Case(
        args=pk("county_task"),
        see=(*UP, "township"),
        read=None,
        write=("county-supervisor",),
        data=lambda w: {"reason": "撤销"},
    ),
    "tasks:assignment_decompose": Case(
        args=pk("county_assignment"),
        see=UP,
        read=("county-supervisor",),
        write=("county-supervisor",),
        data=lambda w: _task_form(w, "township"),
    ),
    "tasks:report_create": Case(
        args=pk("county_assignment"), see=UP, read=None, write=("county-reporter",), data=_report_form
    ),
    "tasks:report_review": Case(
        args=pk("county_report"),
        see=UP,
        read=None,
        write=("city-supervisor",),
        data=lambda w: {"decision": "return", "reason": "补充材料"},
    ),
    "tasks:attachment_download": Case(args=pk("attachment"), see=UP, write="read"),
    # readouts
    "readouts:start": Case(
        gate=("supervisor",),
        write=ALL,
        data=lambda w: {"text": "河北省召开会议。会议要求，石家庄市要抓好落实。"},
    ),
    "readouts:draft": Case(args=pk("draft"), gate=("supervisor",), see=("county",), write="read"),
    "readouts:export": Case(args=pk("draft"), gate=("supervisor",), see=("county",), write="read"),
    "readouts:delete": Case(args=pk("draft"), gate=("supervisor",), see=("county",), read=None, write=ALL),
    # indicators
    "indicators:list": Case(
        write=("*-supervisor", "*-admin"),
        data=lambda w: {"name": "新指标", "measure_unit": "个"},
    ),
    "indicators:detail": Case(args=pk("indicator"), see=(*UP, "township"), write="read"),
    "indicators:actual_submit": Case(
        args=pk("indicator"),
        see=(*UP, "township"),
        read=None,
        write=("county-supervisor", "county-reporter", "city-supervisor"),
        data=lambda w: {"unit": w.tree.county.code, "year": 2026, "period": 3, "value": "5"},
        soft=("township-*",),
        note="a unit outside the actor's subtree is not among the form's choices",
    ),
    "indicators:target_set": Case(
        args=pk("indicator"),
        see=(*UP, "township"),
        read=None,
        write=("county-supervisor", "city-supervisor"),
        data=lambda w: {"unit": w.tree.county.code, "year": 2026, "period": 0, "value": "50"},
        soft=("township-*",),
        note="a unit outside the actor's subtree is not among the form's choices",
    ),
    "indicators:template": Case(args=pk("indicator"), see=(*UP, "township"), write="read"),
    "indicators:import": Case(args=pk("indicator"), see=(*UP, "township"), read=None, write=ALL),
    # ledgers (the county's household ledger, filled by the village 建北社区)
    "ledgers:list": Case(write="read"),
    "ledgers:create": Case(gate=("supervisor", "admin"), write=ALL),
    "ledgers:alerts": Case(write="read"),
    "ledgers:verifications": Case(write="read"),
    "ledgers:burden": Case(write="read"),
    "ledgers:decide": Case(
        args=pk("verification"),
        see=(*UP, "township", "village"),
        read=None,
        write=("county-supervisor", "county-admin", "city-supervisor"),
        data=lambda w: {"decision": "accept"},
        actors=("village-reporter",),
    ),
    "ledgers:detail": Case(args=pk("ledger"), see=(*UP, "township", "village"), write="read"),
    "ledgers:edit": Case(
        args=pk("ledger"),
        see=(*UP, "township", "village"),
        read=("county-supervisor", "county-admin", "city-supervisor", "province-supervisor"),
        write=("county-supervisor", "county-admin", "city-supervisor"),
    ),
    "ledgers:export": Case(args=pk("ledger"), see=(*UP, "township", "village"), write="read"),
    "ledgers:grid": Case(
        args=lambda w: {"pk": w["ledger"].pk, "code": w.tree.village.code},
        see=(*UP, "township", "village"),
        write="read",
        actors=("village-reporter", "village2-reporter"),
    ),
    "ledgers:row_add": Case(
        args=lambda w: {"pk": w["ledger"].pk, "code": w.tree.village.code},
        see=(*UP, "township", "village"),
        read=None,
        write=("village-reporter",),
        actors=("village2-reporter",),
    ),
    "ledgers:download": Case(
        args=lambda w: {"pk": w["ledger"].pk, "code": w.tree.village.code},
        see=(*UP, "township", "village"),
        write="read",
        actors=("village-reporter",),
    ),
    "ledgers:upload": Case(
        args=lambda w: {"pk": w["ledger"].pk, "code": w.tree.village.code},
        see=(*UP, "township", "village"),
        read=None,
        write=("village-reporter",),
    ),
    "ledgers:history": Case(
        args=pk("ledger_row"),
        see=(*UP, "township", "village"),
        write="read",
        actors=("village-reporter", "village2-reporter"),
    ),
    "ledgers:row": Case(
        args=pk("ledger_row"),
        see=(*UP, "township", "village"),
        write="read",
        htmx=True,
        actors=("village-reporter",),
    ),
    "ledgers:row_edit": Case(
        args=pk("ledger_row"),
        see=(*UP, "township", "village"),
        read=("village-reporter",),
        write=("village-reporter",),
        actors=("village2-reporter",),
    ),
    "ledgers:row_remove": Case(
        args=pk("ledger_row"),
        see=(*UP, "township", "village"),
        read=None,
        write=("village-reporter",),
    ),
    "ledgers:upload_report": Case(
        args=pk("ledger_upload"),
        see=(*UP, "township", "village"),
        write="read",
        actors=("village-reporter", "village2-reporter"),
    ),
    # dashboard
    "dashboard:home": Case(gate=("leader", "supervisor", "admin"), write="read"),
    "dashboard:unit": Case(args=code("county"), gate=("leader", "supervisor", "admin"), see=UP, write=None),
    "dashboard:geo": Case(args=code("county"), gate=("leader", "supervisor", "admin"), see=UP, write=None),
    "dashboard:export": Case(
        args=code("county", table="children"), gate=("leader", "supervisor", "admin"), see=UP, write=None
    ),
    # supervision (a notice the city issued to the county; the city leader liaises with the county)
    "supervision:inbox": Case(write="read"),
    "supervision:inbox_read": Case(
        args=pk("alert"), see=("county",), read=None, write=("county-*",), note="a unit's inbox is its own"
    ),
    "supervision:notice_list": Case(write="read"),
    "supervision:notice_create": Case(
        args=pk("county_assignment"),
        see=UP,
        gate=("supervisor",),
        scope_first=True,
        read=("city-supervisor",),
        write=("city-supervisor",),
        data=lambda w: {"problem": "滞后", "action": "整改", "reply_by": "2099-01-01"},
        note="only a supervisor above the assignee issues a notice",
    ),
    "supervision:notice_detail": Case(args=pk("notice"), see=UP, write="read"),
    "supervision:notice_pdf": Case(args=pk("notice"), see=UP, write="read"),
    "supervision:notice_acknowledge": Case(
        args=pk("notice"), see=UP, read=None, write=("county-reporter", "county-supervisor")
    ),
    "supervision:notice_reply": Case(
        args=pk("notice"),
        see=UP,
        read=None,
        write=("county-reporter", "county-supervisor"),
        data=lambda w: {"text": "已整改"},
    ),
    "supervision:notice_close": Case(args=pk("notice"), see=UP, read=None, write=("city-supervisor",)),
    "supervision:accountability_list": Case(write="read"),
    "supervision:accountability_create": Case(
        gate=("supervisor",),
        read_see=ALL,
        see=UP,
        write=("city-supervisor",),
        data=lambda w: {
            "unit_code": w.tree.county.code,
            "kind": "interview",
            "reason": "问责",
            "decided_on": "2026-03-02",
        },
        soft=("sibling-*", "township-*"),
        note="the target unit must lie below the actor's: the county itself is refused (403); a unit "
        "out of scope is reported on the form's unit field as not found",
    ),
    "supervision:liaison_list": Case(write=("*-supervisor", "*-admin")),
    "supervision:liaison_delete": Case(
        args=pk("liaison"), see=("city", "county", "province"), read=None, write=("city-supervisor",)
    ),
    "supervision:leader": Case(gate=("leader",), write="read"),
    "supervision:channels": Case(write=("*-supervisor", "*-admin")),
    "supervision:channel_delete": Case(
        args=pk("channel"),
        see=("county",),
        read=None,
        write=("county-supervisor", "county-admin"),
        once=True,
        note="a unit's channels are its own: anyone else's is 404",
    ),
    "supervision:record": Case(args=code("county"), see=UP, write="read"),
    "supervision:person_record": Case(args=code("county"), see=UP, write="read", query="?name=张三"),
    # inspections (the county's checklist, self-inspection of its township, spot check and problem)
    "inspections:home": Case(write="read"),
    "inspections:checklist_create": Case(
        gate=("supervisor",),
        write=ALL,
        data=lambda w: {"title": "自查清单", "items": "建立工作台账"},
    ),
    # The checklist itself, not yet sent: its township sees it once it is sent.
    "inspections:checklist_detail": Case(args=pk("checklist"), see=UP, write="read"),
    "inspections:checklist_send": Case(
        args=pk("checklist"),
        see=UP,
        read=None,
        write=("county-supervisor",),
        data=lambda w: {"units": [w.tree.township.pk], "deadline": "2099-01-01"},
    ),
    "inspections:selfcheck_detail": Case(
        args=pk("self_check"),
        see=INSP,
        write=("township-supervisor", "township-reporter"),
        note="only the inspected unit answers",
    ),
    "inspections:selfcheck_finding": Case(
        args=pk("self_check"),
        see=INSP,
        read=None,
        write=("county-supervisor",),
        data=_finding_form,
        note="only the checklist's owner records a problem",
    ),
    "inspections:draw_create": Case(gate=("supervisor",), write=ALL),
    "inspections:draw_detail": Case(args=pk("spot_draw"), see=INSP, write="read"),
    "inspections:draw_record": Case(args=pk("spot_draw"), see=INSP, write="read"),
    "inspections:inspection_detail": Case(
        args=pk("inspection"),
        see=INSP,
        write=("county-supervisor",),
        data=_finding_form,
        note="the organizer's supervisors and the drawn inspectors record problems",
    ),
    "inspections:finding_list": Case(write="read"),
    "inspections:finding_export": Case(write="read"),
    "inspections:finding_create": Case(
        gate=("supervisor",),
        write=ALL,
        data=lambda w: {
            **_finding_form(w),
            "source_kind": "audit",
            "unit": w.tree.township.code,
            "found_on": "2026-03-02",
        },
        note="a unit not below the actor's is a form error",
    ),
    "inspections:finding_detail": Case(args=pk("finding"), see=INSP, write="read"),
    "inspections:finding_issue": Case(args=pk("finding"), see=INSP, read=None, write=("county-supervisor",)),
    "inspections:finding_measures": Case(
        args=pk("finding"),
        see=INSP,
        read=None,
        write=("county-supervisor", "township-supervisor", "township-reporter"),
        data=lambda w: {"measures": "限期整改"},
    ),
    "inspections:finding_close": Case(
        args=pk("finding"), see=INSP, read=None, write=("county-supervisor",), data=lambda w: {"note": "核实"}
    ),
    "inspections:finding_reopen": Case(
        args=pk("finding"),
        see=INSP,
        read=None,
        write=("county-supervisor",),
        data=lambda w: {"reason": "反弹", "deadline": "2099-01-01"},
    ),
    # assessment (the county assesses its townships; the run is not yet published)
    "assessment:list": Case(write=None),
    "assessment:create": Case(gate=("supervisor",), write=ALL),
    "assessment:scheme": Case(args=pk("scheme"), see=INSP, write=None),
    "assessment:criterion_add": Case(args=pk("scheme"), see=INSP, read=None, write=("county-supervisor",)),
    "assessment:criterion_remove": Case(
        args=lambda w: {"pk": w["scheme"].pk, "item_id": w["criterion"].pk},
        see=INSP,
        read=None,
        write=("county-supervisor",),
        once=True,
    ),
    "assessment:adjustment_add": Case(args=pk("scheme"), see=INSP, read=None, write=("county-supervisor",)),
    "assessment:adjustment_withdraw": Case(
        args=lambda w: {"pk": w["scheme"].pk, "item_id": w["adjustment"].pk},
        see=INSP,
        read=None,
        write=("county-supervisor",),
    ),
    "assessment:visibility": Case(args=pk("scheme"), see=INSP, read=None, write=("county-supervisor",)),
    "assessment:compute": Case(args=pk("scheme"), see=INSP, read=None, write=("county-supervisor",)),
    "assessment:run": Case(args=pk("run"), see=ASSESSORS, write=None, actors=ASSESSORS),
    "assessment:publish": Case(
        args=pk("run"), see=ASSESSORS, read=None, write=("county-supervisor",), actors=ASSESSORS
    ),
    "assessment:explanation": Case(
        args=lambda w: {"pk": w["run"].pk, "code": w.tree.township.code},
        see=ASSESSORS,
        write=None,
        actors=ASSESSORS,
    ),
    "assessment:export": Case(args=pk("run"), see=ASSESSORS, write=None, actors=ASSESSORS),
}


# --- API operations, by "METHOD /path" as the OpenAPI document lists them --------------------------

API: dict[str, Op] = {
    # units
    f"GET {V}/units": Op(),
    f"GET {V}/units/{{code}}": Op(args=code("county"), see=UP),
    f"GET {V}/units/{{code}}/children": Op(args=code("county"), see=UP),
    # readouts
    f"POST {V}/readouts/parse": Op(body=lambda w: {"text": "会议要求，石家庄市要抓好落实。"}),
    f"POST {V}/readouts/drafts": Op(
        gate=("supervisor",), body=lambda w: {"text": "会议要求，建北街道要抓好落实。"}
    ),
    f"GET {V}/readouts/drafts/{{pk}}": Op(args=pk("draft"), gate=("supervisor",), see=("county",)),
    f"POST {V}/readouts/drafts/{{pk}}/confirm": Op(args=pk("draft"), gate=("supervisor",), see=("county",)),
    # indicators
    f"GET {V}/indicators": Op(),
    f"GET {V}/indicators/{{pk}}": Op(args=pk("indicator"), see=(*UP, "township")),
    f"GET {V}/indicators/{{pk}}/targets": Op(args=pk("indicator"), see=(*UP, "township")),
    f"POST {V}/indicators/{{pk}}/targets": Op(
        args=pk("indicator"),
        see=(*UP, "township"),
        ok=("county-supervisor", "city-supervisor"),
        body=lambda w: {"unit_code": w.tree.county.code, "year": 2026, "value": "50"},
        soft=("township-*",),
    ),
    f"GET {V}/indicators/{{pk}}/actuals": Op(args=pk("indicator"), see=(*UP, "township")),
    f"POST {V}/indicators/{{pk}}/actuals": Op(
        args=pk("indicator"),
        see=(*UP, "township"),
        ok=("county-supervisor", "county-reporter", "city-supervisor"),
        body=lambda w: {"unit_code": w.tree.county.code, "year": 2026, "period": 3, "value": "5"},
        soft=("township-*",),
    ),
    f"GET {V}/indicators/{{pk}}/figures/{{code}}": Op(
        args=lambda w: {"pk": w["indicator"].pk, "code": w.tree.county.code}, see=UP, query="?year=2026"
    ),
    # ledgers
    f"GET {V}/ledgers": Op(),
    f"GET {V}/ledgers/{{pk}}": Op(args=pk("ledger"), see=(*UP, "township", "village")),
    f"GET {V}/ledgers/{{pk}}/units/{{code}}/rows": Op(
        args=lambda w: {"pk": w["ledger_row"].ledger_id, "code": w.tree.village.code},
        see=(*UP, "township", "village"),
        actors=("village-reporter", "village2-reporter"),
    ),
    f"POST {V}/ledgers/{{pk}}/units/{{code}}/rows": Op(
        args=lambda w: {"pk": w["ledger"].pk, "code": w.tree.village.code},
        see=(*UP, "township", "village"),
        ok=("village-reporter",),
        body=lambda w: {"values": {"head": "李四", "id_number": "110105194912310038", "household_size": 2}},
        actors=("village-reporter", "village2-reporter"),
    ),
    f"GET {V}/ledgers/{{pk}}/aggregate": Op(
        args=pk("ledger"), see=(*UP, "township", "village"), query="?agg=count"
    ),
    # dashboard
    f"GET {V}/dashboard/{{code}}": Op(args=code("county"), gate=("leader", "supervisor", "admin"), see=UP),
    # tasks
    f"GET {V}/sources": Op(),
    f"POST {V}/sources": Op(
        ok=("*-supervisor",),
        body=lambda w: {"title": "会", "date": "2026-03-01"},
        note="a unit's supervisors record its sources",
    ),
    f"GET {V}/sources/{{source_id}}": Op(args=source_of("county_task", "source_id"), see=(*UP, "township")),
    f"POST {V}/sources/{{source_id}}/relay": Op(
        args=source_of("county_task", "source_id"),
        see=(*UP, "township"),
        ok=("county-supervisor",),
    ),
    f"GET {V}/sources/{{source_id}}/tasks": Op(
        args=source_of("county_task", "source_id"), see=(*UP, "township")
    ),
    f"POST {V}/sources/{{source_id}}/tasks": Op(
        args=source_of("county_task", "source_id"),
        see=(*UP, "township"),
        ok=("county-supervisor",),
        body=lambda w: {"title": "新任务"},
    ),
    f"GET {V}/tasks/{{task_id}}": Op(args=pk("county_task", "task_id"), see=(*UP, "township")),
    f"POST {V}/tasks/{{task_id}}/assign": Op(
        args=pk("county_task", "task_id"),
        see=(*UP, "township"),
        ok=("county-supervisor",),
        body=lambda w: {"lead_codes": [w.tree.township.code]},
    ),
    f"GET {V}/assignments": Op(),
    f"GET {V}/assignments/{{assignment_id}}": Op(args=pk("county_assignment", "assignment_id"), see=UP),
    f"POST {V}/assignments/{{assignment_id}}/decompose": Op(
        args=pk("county_assignment", "assignment_id"),
        see=UP,
        ok=("county-supervisor",),
        body=lambda w: {"title": "分解", "lead_codes": [w.tree.township.code], "deadline": "2026-06-01"},
    ),
    f"GET {V}/assignments/{{assignment_id}}/reports": Op(
        args=pk("county_assignment", "assignment_id"), see=UP
    ),
    f"POST {V}/assignments/{{assignment_id}}/reports": Op(
        args=pk("county_assignment", "assignment_id"),
        see=UP,
        ok=("county-reporter",),
        body=lambda w: {"text": "进展", "percent": 50, "idempotency_key": _key()},
    ),
    f"POST {V}/reports/{{report_id}}/review": Op(
        args=pk("county_report", "report_id"),
        see=UP,
        ok=("city-supervisor",),
        body=lambda w: {"decision": "return", "reason": "补充"},
    ),
    f"GET {V}/inbox": Op(),
    # supervision
    f"GET {V}/supervision/notices": Op(),
    f"POST {V}/supervision/notices": Op(
        see=UP,
        ok=("city-supervisor",),
        body=lambda w: {
            "assignment_id": w["county_assignment"].pk,
            "problem": "滞后",
            "action": "整改",
            "reply_by": "2099-01-01",
        },
    ),
    f"GET {V}/supervision/notices/{{notice_id}}": Op(args=pk("notice", "notice_id"), see=UP),
    f"POST {V}/supervision/notices/{{notice_id}}/acknowledge": Op(
        args=pk("notice", "notice_id"), see=UP, ok=("county-reporter", "county-supervisor")
    ),
    f"POST {V}/supervision/notices/{{notice_id}}/reply": Op(
        args=pk("notice", "notice_id"),
        see=UP,
        ok=("county-reporter", "county-supervisor"),
        body=lambda w: {"text": "已整改"},
    ),
    f"GET {V}/supervision/accountability": Op(),
    f"GET {V}/supervision/messages": Op(),
    f"POST {V}/supervision/messages/{{message_id}}/read": Op(
        args=pk("alert", "message_id"), see=("county",), ok=("county-*",)
    ),
    f"GET {V}/supervision/records/{{code}}": Op(args=code("county"), see=UP),
    # inspections
    f"GET {V}/inspections/checklists": Op(),
    f"POST {V}/inspections/checklists": Op(
        ok=("*-supervisor",),
        body=lambda w: {"title": "自查清单", "items": [{"text": "建立工作台账"}]},
    ),
    f"GET {V}/inspections/checklists/{{checklist_id}}": Op(args=pk("checklist", "checklist_id"), see=UP),
    f"POST {V}/inspections/checklists/{{checklist_id}}/send": Op(
        args=pk("checklist", "checklist_id"),
        see=UP,
        ok=("county-supervisor",),
        body=lambda w: {"unit_codes": [w.tree.township.code], "deadline": "2099-01-01"},
    ),
    f"GET {V}/inspections/checklists/{{checklist_id}}/self-checks": Op(
        args=pk("checklist", "checklist_id"), see=UP
    ),
    f"GET {V}/inspections/self-checks/{{self_check_id}}": Op(
        args=pk("self_check", "self_check_id"), see=INSP
    ),
    f"POST {V}/inspections/self-checks/{{self_check_id}}/answers": Op(
        args=pk("self_check", "self_check_id"),
        see=INSP,
        ok=("township-supervisor", "township-reporter"),
        body=lambda w: {"answers": []},
    ),
    f"GET {V}/inspections/draws": Op(),
    f"POST {V}/inspections/draws": Op(
        ok=("*-supervisor",),
        body=lambda w: {
            "title": "抽查",
            "levels": ["township"],
            "share": "1",
            "inspectors": [w.tree.user("county", "supervisor").username],
            "inspectors_per_unit": 1,
        },
        note="an inspector outside the actor's unit is a bad request",
    ),
    f"GET {V}/inspections/draws/{{draw_id}}": Op(args=pk("spot_draw", "draw_id"), see=INSP),
    f"GET {V}/inspections/draws/{{draw_id}}/verify": Op(args=pk("spot_draw", "draw_id"), see=INSP),
    f"GET {V}/inspections/findings": Op(),
    f"POST {V}/inspections/findings": Op(
        ok=("*-supervisor",),
        body=lambda w: {
            "description": "问题",
            "deadline": "2099-01-01",
            "source_kind": "audit",
            "unit_code": w.tree.township.code,
        },
        note="a unit not below the actor's is a bad request",
    ),
    f"GET {V}/inspections/findings/{{finding_id}}": Op(args=pk("finding", "finding_id"), see=INSP),
    f"POST {V}/inspections/findings/{{finding_id}}/issue": Op(
        args=pk("finding", "finding_id"), see=INSP, ok=("county-supervisor",)
    ),
    f"POST {V}/inspections/findings/{{finding_id}}/measures": Op(
        args=pk("finding", "finding_id"),
        see=INSP,
        ok=("county-supervisor", "township-supervisor", "township-reporter"),
        body=lambda w: {"measures": "限期整改"},
    ),
    f"POST {V}/inspections/findings/{{finding_id}}/close": Op(
        args=pk("finding", "finding_id"), see=INSP, ok=("county-supervisor",), body=lambda w: {"note": "核实"}
    ),
    f"POST {V}/inspections/findings/{{finding_id}}/reopen": Op(
        args=pk("finding", "finding_id"),
        see=INSP,
        ok=("county-supervisor",),
        body=lambda w: {"reason": "反弹", "deadline": "2099-01-01"},
    ),
    # assessment
    f"GET {V}/assessment/schemes": Op(),
    f"GET {V}/assessment/schemes/{{pk}}": Op(args=pk("scheme"), see=INSP),
    f"GET {V}/assessment/schemes/{{pk}}/runs": Op(args=pk("scheme"), see=INSP),
    f"POST {V}/assessment/schemes/{{pk}}/compute": Op(args=pk("scheme"), see=INSP, ok=("county-supervisor",)),
    f"GET {V}/assessment/runs/{{pk}}": Op(args=pk("run"), see=ASSESSORS, actors=ASSESSORS),
    f"GET {V}/assessment/runs/{{pk}}/units/{{code}}": Op(
        args=lambda w: {"pk": w["run"].pk, "code": w.tree.township.code}, see=ASSESSORS, actors=ASSESSORS
    ),
    f"POST {V}/assessment/runs/{{pk}}/publish": Op(
        args=pk("run"), see=ASSESSORS, ok=("county-supervisor",), actors=ASSESSORS
    ),
}
