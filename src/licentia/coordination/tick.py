"""The scheduled job: `licentia coordination tick [--today YYYY-MM-DD]`.

Run it once a day or more often (cron or a systemd timer, see docs/coordination.md). Each run
is idempotent: a reminder is sent once per stage, a lapse happens once, a notice is made once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from licentia.coordination import analytics, catchall, consultations, denials, rechecks
from licentia.coordination.common import today_or


@dataclass(frozen=True)
class TickResult:
    day: date
    notices_made: int
    review_reminders: int
    cases_refreshed: int
    consultation_reminders: int
    consultations_lapsed: int
    catch_all_reminders: int
    catch_all_reviews_lapsed: int
    statistics_sent: int

    def summary(self) -> str:
        return (
            f"{self.day.isoformat()}: {self.notices_made} denial notice(s) made, "
            f"{self.review_reminders} review reminder(s) (Art 16(3)), "
            f"{self.cases_refreshed} open case(s) matching a later denial given a new dossier, "
            f"{self.consultation_reminders} consultation reminder(s), "
            f"{self.consultations_lapsed} consultation(s) past their deadline, "
            f"{self.catch_all_reminders} catch-all review reminder(s), "
            f"{self.catch_all_reviews_lapsed} catch-all review(s) lapsed (Art 5(5)), "
            f"{self.statistics_sent} month(s) of decision statistics sent"
        )


def tick(*, today: date | None = None) -> TickResult:
    day = today_or(today)
    made = denials.notify_pending_decisions(today=day)
    reminded = denials.send_review_reminders(today=day)
    rechecked = rechecks.check_open_cases()
    consulted = consultations.tick(today=day)
    reviewed = catchall.tick(today=day)
    counted = analytics.send_statistics(today=day)
    return TickResult(
        day=day,
        notices_made=len(made),
        review_reminders=len(reminded),
        cases_refreshed=len(rechecked.cases),
        consultation_reminders=len(consulted["reminded"]),
        consultations_lapsed=len(consulted["lapsed"]),
        catch_all_reminders=len(reviewed["reminded"]),
        catch_all_reviews_lapsed=len(reviewed["lapsed"]),
        statistics_sent=len(counted),
    )
