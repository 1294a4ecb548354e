//! The figures a benchmark run reports: each measurement with the baseline measured in the same run, their
//! ratio and the target it is held to, printed as lines while the run goes and as one table at the end. It
//! measures nothing itself.

use std::fmt::Write as _;

/// How a figure's numbers read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    /// Higher is better: items (or messages) per second.
    PerSecond,
    /// Lower is better: seconds for one operation.
    Seconds,
    /// Lower is better: peak resident memory in MB (10^6 bytes).
    Megabytes,
    /// Lower is better: requests sent per delivered message.
    RequestsPerItem,
}

/// What a figure must reach to pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// The measured rate is at least this many per second.
    RateAtLeast(f64),
    /// The measured time is at most this many seconds.
    TimeAtMost(f64),
    /// The measured rate is at least this fraction of the baseline's.
    RatioAtLeast(f64),
    /// The measured peak memory is at most this many MB.
    MegabytesAtMost(f64),
    /// The measured value is at most this multiple of the baseline (memory staying flat).
    TimesBaselineAtMost(f64),
    /// The measured requests per item are at most this many.
    RequestsPerItemAtMost(f64),
}

/// One measured figure and its same-run baseline.
#[derive(Debug, Clone)]
pub struct Figure {
    /// `P1`, `P2`, `P5`.
    pub id: &'static str,
    pub what: String,
    pub unit: Unit,
    pub measured: f64,
    pub baseline_label: String,
    pub baseline: f64,
    pub target: Target,
}

impl Figure {
    /// Measured over baseline for rates, baseline over measured for times, memory and requests per item:
    /// 1.0 means as good as the baseline, below 1.0 worse.
    pub fn ratio(&self) -> f64 {
        match self.unit {
            Unit::PerSecond => self.measured / self.baseline,
            Unit::Seconds | Unit::Megabytes | Unit::RequestsPerItem => self.baseline / self.measured,
        }
    }

    pub fn met(&self) -> bool {
        match self.target {
            Target::RateAtLeast(floor) => self.measured >= floor,
            Target::TimeAtMost(ceiling) => self.measured <= ceiling,
            Target::RatioAtLeast(floor) => self.ratio() >= floor,
            Target::MegabytesAtMost(ceiling) => self.measured <= ceiling,
            Target::TimesBaselineAtMost(times) => self.measured <= self.baseline * times,
            Target::RequestsPerItemAtMost(ceiling) => self.measured <= ceiling,
        }
    }

    fn value(&self, v: f64) -> String {
        match self.unit {
            Unit::PerSecond => format!("{}/s", thousands(v)),
            Unit::Seconds => format!("{v:.3} s"),
            Unit::Megabytes => format!("{v:.1} MB"),
            Unit::RequestsPerItem => format!("{v:.3} requests/item"),
        }
    }

    fn target_text(&self) -> String {
        match self.target {
            Target::RateAtLeast(floor) => format!(">= {}/s", thousands(floor)),
            Target::TimeAtMost(ceiling) => format!("<= {ceiling} s"),
            Target::RatioAtLeast(floor) => format!("ratio >= {:.0}%", floor * 100.0),
            Target::MegabytesAtMost(ceiling) => format!("<= {ceiling} MB"),
            Target::TimesBaselineAtMost(times) => format!("<= {times}x baseline"),
            Target::RequestsPerItemAtMost(ceiling) => format!("<= {ceiling} requests/item"),
        }
    }

    /// One line as the run goes.
    pub fn line(&self) -> String {
        format!(
            "{} {}: {} | baseline ({}): {} | ratio {:.1}% | target {} {}",
            self.id,
            self.what,
            self.value(self.measured),
            self.baseline_label,
            self.value(self.baseline),
            self.ratio() * 100.0,
            self.target_text(),
            if self.met() { "MET" } else { "MISSED" }
        )
    }
}

/// `1234567.8` → `1,234,568`.
pub fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The final table, one row per figure, in Markdown so it can be pasted into docs/PROOF.md as is.
pub fn table(figures: &[Figure]) -> String {
    let mut out = String::new();
    out.push_str("| id | measured | value | baseline (same run) | value | ratio | target | result |\n");
    out.push_str("|----|----------|-------|---------------------|-------|-------|--------|--------|\n");
    for f in figures {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.1}% | {} | {} |",
            f.id,
            f.what,
            f.value(f.measured),
            f.baseline_label,
            f.value(f.baseline),
            f.ratio() * 100.0,
            f.target_text(),
            if f.met() { "met" } else { "MISSED" }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_by_three() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1234567.8), "1,234,568");
    }

    #[test]
    fn a_time_target_compares_the_measured_seconds_and_inverts_the_ratio() {
        let f = Figure {
            id: "P5",
            what: "x".into(),
            unit: Unit::Seconds,
            measured: 0.5,
            baseline_label: "raw".into(),
            baseline: 0.25,
            target: Target::TimeAtMost(1.0),
        };
        assert!(f.met());
        assert!((f.ratio() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_requests_per_item_target_compares_the_measured_count_and_inverts_the_ratio() {
        let f = Figure {
            id: "G1",
            what: "x".into(),
            unit: Unit::RequestsPerItem,
            measured: 1.25,
            baseline_label: "one request".into(),
            baseline: 1.0,
            target: Target::RequestsPerItemAtMost(1.2),
        };
        assert!(!f.met());
        assert!((f.ratio() - 0.8).abs() < 1e-9);
        assert_eq!(f.value(f.measured), "1.250 requests/item");
    }
}
