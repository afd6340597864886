//! One case at a time per counterparty (`waitForOpenCases`, spec §7): the earlier open cases of
//! the tenant for the same address that a queued case waits for, and the later cases queued
//! behind this one, which it tells when it ends.
//!
//! The earlier cases' own state is the truth (an activity reads it from Temporal); their word
//! that they ended only wakes the queued case early, so a lost or never-sent word (a run an
//! operator terminated) delays it, never strands it.

use serde::{Deserialize, Serialize};

/// The most later cases one case keeps to tell (more still start: they find out themselves).
pub const MAX_SUCCESSORS: usize = 100;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Queue {
    /// The earlier open cases not yet seen to end, oldest first; the first is the one the case
    /// waits for now (`queuedBehind`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub behind: Vec<String>,
    /// The earlier case that has been asked to say when it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_with: Option<String>,
    /// An earlier case said it ended: look again now.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub news: bool,
    /// Later cases waiting for this one, to be told when it ends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<String>,
}

impl Queue {
    /// A case that waits for `earlier` (oldest first) before it starts.
    pub fn behind(earlier: Vec<String>) -> Self {
        Self {
            behind: earlier,
            ..Self::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.behind.is_empty()
            && self.registered_with.is_none()
            && !self.news
            && self.successors.is_empty()
    }

    /// The earlier case this one waits for now.
    pub fn head(&self) -> Option<&str> {
        self.behind.first().map(String::as_str)
    }

    /// What a look at the earlier cases found: those still open, from the first open one on
    /// (which has been asked to say when it ends). Returns whether the case waits for another
    /// case than before.
    pub fn still_open(&mut self, open: Vec<String>) -> bool {
        let moved = open.first() != self.behind.first() || self.registered_with.is_none();
        self.registered_with = open.first().cloned();
        self.behind = open;
        moved
    }

    /// A later case asks to be told when this one ends: kept once, at most [`MAX_SUCCESSORS`].
    pub fn add_successor(&mut self, case_id: String) {
        if self.successors.len() < MAX_SUCCESSORS && !self.successors.contains(&case_id) {
            self.successors.push(case_id);
        }
    }

    /// An earlier case says it ended; only one this case waits for counts.
    pub fn earlier_case_ended(&mut self, case_id: &str) {
        if self.behind.iter().any(|c| c == case_id) {
            self.news = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_from_a_case_it_does_not_wait_for_wakes_nothing() {
        let mut queue = Queue::behind(vec!["a".into(), "b".into()]);
        queue.earlier_case_ended("stranger");
        assert!(!queue.news);
        queue.earlier_case_ended("b");
        assert!(queue.news);
    }

    #[test]
    fn a_look_that_finds_the_same_head_registered_is_no_move() {
        let mut queue = Queue::behind(vec!["a".into(), "b".into()]);
        assert!(
            queue.still_open(vec!["a".into(), "b".into()]),
            "first look registers"
        );
        assert!(!queue.still_open(vec!["a".into(), "b".into()]));
        assert!(queue.still_open(vec!["b".into()]));
        assert_eq!(queue.head(), Some("b"));
        assert!(queue.still_open(Vec::new()));
        assert_eq!(queue.head(), None);
    }

    #[test]
    fn successors_are_kept_once_and_bounded() {
        let mut queue = Queue::default();
        for i in 0..(MAX_SUCCESSORS + 10) {
            queue.add_successor(format!("c{}", i % (MAX_SUCCESSORS + 5)));
        }
        queue.add_successor("c0".into());
        assert_eq!(queue.successors.len(), MAX_SUCCESSORS);
    }
}
