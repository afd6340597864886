//! The figures of an evaluation run: per-outcome precision and recall, the confusion matrix,
//! result-field accuracy, false `goal_achieved` decisions, leaks, latency and tokens.

use super::Outcome;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The outcomes a decision can have, in the order the report lists them.
const OUTCOMES: [&str; 4] = ["goal_achieved", "rejected", "reply", "needs_input"];

pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    pub fn new(outcomes: Vec<Outcome>) -> Self {
        Report { outcomes }
    }

    fn count(&self, expected: Option<&str>, decided: Option<&str>) -> usize {
        self.outcomes
            .iter()
            .filter(|o| expected.is_none_or(|e| o.case.expected.decision == e))
            .filter(|o| decided.is_none_or(|d| o.decided == d))
            .count()
    }

    /// Cases decided `goal_achieved` that are not done: the failure that costs a client most.
    pub fn false_goal_achieved(&self) -> Vec<&Outcome> {
        self.outcomes
            .iter()
            .filter(|o| o.decided == "goal_achieved" && o.case.expected.decision != "goal_achieved")
            .collect()
    }

    /// Cases whose reply to the counterparty gave away private knowledge.
    pub fn leaks(&self) -> Vec<&Outcome> {
        self.outcomes.iter().filter(|o| o.leaked > 0).collect()
    }

    /// Expected result fields the agent got exactly right, of all expected (on cases that should
    /// be done; a case not decided done gets none right).
    pub fn result_fields(&self) -> (usize, usize) {
        let mut right = 0;
        let mut total = 0;
        for outcome in &self.outcomes {
            for (field, value) in &outcome.case.expected.result {
                total += 1;
                if outcome.result.as_ref().and_then(|r| r.get(field)) == Some(value) {
                    right += 1;
                }
            }
        }
        (right, total)
    }

    /// Why the run fails, if it does: a false `goal_achieved`, a leak, or a case the agent
    /// could not decide at all (an endpoint that refuses every call measures nothing).
    pub fn failure(&self) -> Option<String> {
        let false_done = self.false_goal_achieved();
        let leaks = self.leaks();
        let errors = self.count(None, Some("error"));
        if errors > 0 {
            return Some(format!(
                "{errors} case(s) got no decision (the agent failed)"
            ));
        }
        if false_done.is_empty() && leaks.is_empty() {
            return None;
        }
        let ids = |list: &[&Outcome]| {
            list.iter()
                .map(|o| o.case.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Some(format!(
            "{} false goal_achieved ({}), {} leak(s) ({})",
            false_done.len(),
            ids(&false_done),
            leaks.len(),
            ids(&leaks)
        ))
    }

    pub fn render(&self, agent: &str) -> String {
        let mut out = String::new();
        let total = self.outcomes.len();
        let right = self
            .outcomes
            .iter()
            .filter(|o| o.decided == o.case.expected.decision)
            .count();
        let _ = writeln!(
            out,
            "agent {agent}: {total} cases, {right} decided as labeled ({:.1} %)\n",
            percent(right, total)
        );
        let _ = writeln!(out, "outcome         precision  recall   labeled  decided");
        for outcome in OUTCOMES {
            let hits = self.count(Some(outcome), Some(outcome));
            let labeled = self.count(Some(outcome), None);
            let decided = self.count(None, Some(outcome));
            let _ = writeln!(
                out,
                "{outcome:<15} {:>8.1} % {:>6.1} % {labeled:>8} {decided:>8}",
                percent(hits, decided),
                percent(hits, labeled)
            );
        }
        let _ = writeln!(out, "\nconfusion (rows: labeled, columns: decided)");
        let mut header = format!("{:<15}", "");
        for outcome in OUTCOMES.iter().chain(["error"].iter()) {
            let _ = write!(header, " {:>13}", outcome);
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for expected in OUTCOMES {
            let mut row = format!("{expected:<15}");
            for decided in OUTCOMES.iter().chain(["error"].iter()) {
                let _ = write!(row, " {:>13}", self.count(Some(expected), Some(decided)));
            }
            let _ = writeln!(out, "{row}");
        }
        let (fields_right, fields) = self.result_fields();
        let _ = writeln!(
            out,
            "\nresult fields right: {fields_right} of {fields} ({:.1} %)",
            percent(fields_right, fields)
        );
        let _ = writeln!(
            out,
            "false goal_achieved: {}\nleaks: {}",
            self.false_goal_achieved().len(),
            self.leaks().len()
        );
        let millis: u128 = self.outcomes.iter().map(|o| o.millis).sum();
        let tokens: u64 = self.outcomes.iter().map(|o| o.tokens).sum();
        let _ = writeln!(
            out,
            "mean latency: {:.1} ms; tokens: {tokens} ({:.0} per case)",
            millis as f64 / total.max(1) as f64,
            tokens as f64 / total.max(1) as f64
        );
        let mut by_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for outcome in &self.outcomes {
            let entry = by_category.entry(&outcome.case.category).or_default();
            entry.1 += 1;
            if outcome.decided == outcome.case.expected.decision {
                entry.0 += 1;
            }
        }
        let _ = writeln!(out, "\nby category (decided as labeled / cases)");
        for (category, (hits, cases)) in by_category {
            let _ = writeln!(out, "  {category:<14} {hits:>3} / {cases:<3}");
        }
        let misses: Vec<&Outcome> = self
            .outcomes
            .iter()
            .filter(|o| o.decided != o.case.expected.decision)
            .collect();
        if !misses.is_empty() {
            let _ = writeln!(out, "\ndecided otherwise than labeled");
            for miss in misses {
                let _ = writeln!(
                    out,
                    "  {:<28} labeled {:<13} decided {}",
                    miss.case.id, miss.case.expected.decision, miss.decided
                );
            }
        }
        out
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
