"""The bank's standing numbers: each threshold once, every rule, scan, profile and report reads it from here.

Changing one of these changes the nightly events, the triggers, the client profiles and the reports
together; a per-run override (``tools.signals.events.EventRules``) starts from these defaults.
"""

from __future__ import annotations

# The derived meanings are part of the bank's data model (the demo bank computes targets with them too).
from stores.schema import AUM_KINDS as AUM_KINDS
from stores.schema import DEPOSIT_KINDS as DEPOSIT_KINDS

BILLION = 1_000_000_000
MILLION = 1_000_000

#: The event an account's maturity is, by account kind: a savings book with a maturity date is a term deposit.
MATURITY_EVENT_KINDS = {"cd": "cd_maturity", "savings": "cd_maturity", "loan": "loan_maturity"}
#: A CD or loan maturing within this many days is an event.
MATURITY_WINDOW_DAYS = 30
#: ...and within this many days it is urgent (when the money at stake is at least ``URGENT_VALUE_VND``).
URGENT_MATURITY_DAYS = 14
#: Money at stake below this is never urgent, whatever the days left: a 1.4M VND loan is not a billion-VND event.
URGENCY_FLOOR_VND = 100 * MILLION
#: From this much money at stake the whole urgent window applies...
URGENT_VALUE_VND = 1 * BILLION
#: ...below it (and at or above the floor) only the last this many days are urgent.
URGENT_SMALL_MATURITY_DAYS = 7
#: "Who should I call today?": a CD or loan maturing within this many days of the plan's last day is on it.
CALL_PLAN_MATURITY_DAYS = 7
#: A birthday within this many days is worth a message.
BIRTHDAY_WINDOW_DAYS = 7
#: One incoming payment this large is worth a call...
LARGE_DEPOSIT_MIN_VND = 1 * BILLION
#: ...when it was posted in the last this many days.
LARGE_DEPOSIT_WINDOW_DAYS = 7
#: Current and savings balances above this are "idle": the money could earn more.
IDLE_CASH_MIN_VND = 2 * BILLION
#: Settled current and savings money from this much is worth a call about putting it to work (a lower bar than
#: "idle" in a report: a next best action or a ranking weighs it against everything else).
IDLE_CASH_WORTH_A_CALL_VND = 500 * MILLION
#: Outflows over the last month below this share of the idle balance count as "little".
IDLE_OUTFLOW_SHARE = 0.10
#: No interaction in the last N days makes a client inactive (crm-schema.md, default 90).
INACTIVE_DAYS = 90
#: Money sent to other banks, as a share of (what is left + what left), that signals leaving.
ATTRITION_SHARE = 0.25
#: ...or this much sent to other banks within ``ATTRITION_OUT_WINDOW_DAYS``, whatever the client has left: the bar
#: banks' own retention policies draw (300 to 500 million in 60 to 90 days).
ATTRITION_OUT_MIN_VND = 300 * MILLION
ATTRITION_OUT_WINDOW_DAYS = 60
#: The same signal, as the client-profile fact words it (a softer threshold: a profile describes, it does not alarm).
OUTFLOW_SHARE_MIN = 0.3
OUTFLOW_WINDOW_DAYS = 30
#: Logins of the last four weeks at or below this share of the weeks before mean the client stopped using the app
#: (when they used it at least this often a week before).
LOGIN_DROP_SHARE = 0.25
MIN_LOGINS_BEFORE = 2.0
#: A salary that has not arrived for this many days has stopped.
SALARY_STOP_DAYS = 45
#: A resolved complaint opened this recently still makes a sales call a poor idea.
RECENT_COMPLAINT_DAYS = 90
#: Segments offered products they do not hold yet.
CROSS_SELL_SEGMENTS = ("Diamond", "Platinum")
#: Product categories a conservative client is not offered (capital at risk).
GROWTH_CATEGORIES = frozenset({"investment"})
