//! What one LINE user may do, keyed by the user id the signed webhook names (the group or room
//! id when LINE gives no user id): messages per minute, new conversations and lines of the
//! unanswered log per hour (the dialogue's [`Budget`]), and consultation requests per hour. The
//! HTTP API keys the same kinds of limit by address; behind LINE every user comes from LINE's
//! servers, so the address would lump them all together.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::dialogue::Budget;

type Limiter = DefaultKeyedRateLimiter<String>;

/// Per-user limits, each `None` for no limit.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Messages a minute (a sixth of them at once is not the rule here: a burst of ten).
    pub turns_per_minute: Option<NonZeroU32>,
    pub sessions_per_hour: Option<NonZeroU32>,
    pub unanswered_per_hour: Option<NonZeroU32>,
    pub requests_per_hour: Option<NonZeroU32>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // A person types a message every few seconds at most; twenty a minute with a burst
            // of ten leaves room for tapping quick replies quickly, and keeps one account from
            // taking the CPU of everyone else's turns.
            turns_per_minute: NonZeroU32::new(20),
            // A LINE conversation keeps its session while it lasts: a new one starts only after
            // an hour idle or fifty turns. Twenty an hour is far beyond that.
            sessions_per_hour: NonZeroU32::new(20),
            // As the HTTP API's per-address budget: more than a person asks in an hour, and one
            // user needs many hours to push the 500-line log's entries out.
            unanswered_per_hour: NonZeroU32::new(30),
            // A person asks the 窓口 once; six an hour (one at a time) allows a correction and
            // keeps one user from filling the desk's inbox.
            requests_per_hour: NonZeroU32::new(6),
        }
    }
}

/// Why a LINE user's message was not answered by the dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Seconds until the user may try again.
    pub retry_after: u64,
    /// The service holds as many conversations in progress as it can (not this user's doing).
    pub crowded: bool,
}

impl Refused {
    /// What the person is told.
    pub fn japanese(&self) -> String {
        if self.crowded {
            format!(
                "ただいま多くのご相談をお受けしていて、新しい会話を始められません。{}秒ほど待ってから、もう一度お送りください。",
                self.retry_after
            )
        } else {
            format!(
                "短い時間に多くのメッセージが届いたため、いまはお答えできません。{}秒ほど待ってから、もう一度お送りください。",
                self.retry_after
            )
        }
    }
}

/// The session store is full of conversations in progress: a new one waits.
impl From<crate::dialogue::StoreFull> for Refused {
    fn from(full: crate::dialogue::StoreFull) -> Self {
        Refused {
            retry_after: full.retry_after.as_secs().max(1),
            crowded: true,
        }
    }
}

/// The budgets of every LINE user.
#[derive(Debug)]
pub struct UserBudgets {
    turns: Option<Limiter>,
    sessions: Option<Limiter>,
    unanswered: Option<Limiter>,
    requests: Option<Limiter>,
    pruned: Mutex<Instant>,
}

impl Default for UserBudgets {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

/// How often the limiters forget users whose buckets are full again.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

impl UserBudgets {
    pub fn new(limits: Limits) -> Self {
        let turns = limits.turns_per_minute.and_then(|n| {
            let quota = Quota::with_period(Duration::from_secs(60) / n.get())?
                .allow_burst(NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN));
            Some(Limiter::keyed(quota))
        });
        Self {
            turns,
            sessions: hourly(limits.sessions_per_hour),
            unanswered: hourly(limits.unanswered_per_hour),
            requests: hourly(limits.requests_per_hour),
            pruned: Mutex::new(Instant::now()),
        }
    }

    /// Spends one message of `user`, or refuses it.
    pub fn turn(&self, user: &str) -> Result<(), Refused> {
        spend(self.turns.as_ref(), user)
    }

    /// Spends one consultation request of `user`, or refuses it.
    pub fn request(&self, user: &str) -> Result<(), Refused> {
        spend(self.requests.as_ref(), user)
    }

    /// The dialogue's budget for one turn of `user`.
    pub fn of<'a>(&'a self, user: &'a str) -> UserBudget<'a> {
        UserBudget {
            budgets: self,
            user,
        }
    }

    /// Forgets users whose buckets are full again, at most once a [`PRUNE_EVERY`], so the
    /// tables stay as small as the set of recently active users.
    pub fn prune_now_and_then(&self) {
        {
            let mut last = self.pruned.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() < PRUNE_EVERY {
                return;
            }
            *last = Instant::now();
        }
        for l in [
            &self.turns,
            &self.sessions,
            &self.unanswered,
            &self.requests,
        ]
        .into_iter()
        .flatten()
        {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

/// One LINE user's budget for a turn of the dialogue.
#[derive(Debug)]
pub struct UserBudget<'a> {
    budgets: &'a UserBudgets,
    user: &'a str,
}

impl Budget for UserBudget<'_> {
    type Refused = Refused;

    fn start_session(&self) -> Result<(), Refused> {
        spend(self.budgets.sessions.as_ref(), self.user)
    }

    fn log_unanswered(&self) -> bool {
        spend(self.budgets.unanswered.as_ref(), self.user).is_ok()
    }
}

/// `per_hour` events per user, a sixth of which may come at once (as the HTTP API's hourly
/// budgets).
fn hourly(per_hour: Option<NonZeroU32>) -> Option<Limiter> {
    let n = per_hour?;
    let period = Duration::from_secs(3600) / n.get();
    let burst = NonZeroU32::new(n.get().div_ceil(6)).unwrap_or(NonZeroU32::MIN);
    Some(Limiter::keyed(
        Quota::with_period(period)?.allow_burst(burst),
    ))
}

fn spend(limiter: Option<&Limiter>, user: &str) -> Result<(), Refused> {
    let Some(l) = limiter else {
        return Ok(());
    };
    // Checking with a borrowed key would need the map's entry API; user ids are short.
    l.check_key(&user.to_string()).map_err(|not_until| {
        let wait = not_until.wait_time_from(l.clock().now());
        Refused {
            retry_after: (wait.as_secs_f64().ceil() as u64).max(1),
            crowded: false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_has_a_budget_of_their_own() {
        let b = UserBudgets::new(Limits {
            turns_per_minute: NonZeroU32::new(1),
            sessions_per_hour: NonZeroU32::new(6),
            unanswered_per_hour: None,
            requests_per_hour: NonZeroU32::new(6),
        });
        // A burst of ten messages, then a wait.
        for _ in 0..10 {
            assert!(b.turn("Ua").is_ok());
        }
        let refused = b.turn("Ua").unwrap_err();
        assert!(refused.retry_after >= 1 && refused.japanese().contains("秒"));
        assert!(b.turn("Ub").is_ok(), "another user is not affected");
        assert!(b.of("Ua").start_session().is_ok());
        assert!(b.of("Ua").start_session().is_err(), "one at once");
        assert!(b.of("Ua").log_unanswered(), "no limit set");
        assert!(b.request("Ua").is_ok() && b.request("Ua").is_err());
    }
}
