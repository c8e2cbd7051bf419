//! Which server versions have which features. pglens reads PostgreSQL 13 to 18; the
//! catalog and the SQL a fix may use both differ between them, and every place that cares
//! asks here instead of comparing version numbers of its own.

use super::Catalog;

/// The oldest server pglens reads (`server_version_num`).
pub const MIN_SUPPORTED: u32 = 130_000;
/// The first major pglens has not been tested against: it works, with a warning.
pub const FIRST_UNTESTED: u32 = 190_000;
/// What to tell a user about the supported range.
pub const SUPPORTED_RANGE: &str = "13 to 18";

/// A server feature that changes what pglens reads or suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// `CREATE VIEW ... WITH (security_invoker = true)`: views that apply the caller's RLS.
    SecurityInvoker,
    /// `UNIQUE NULLS NOT DISTINCT` constraints and indexes.
    NullsNotDistinct,
    /// `pg_stat_force_next_flush()`: statistics visible to other sessions at once.
    ForceStatsFlush,
    /// `pg_stat_user_tables.last_seq_scan` / `last_idx_scan`: when a table was last read.
    LastScanTimes,
    /// Partitions carry their partitioned table's identity column.
    PartitionIdentity,
    /// The MAINTAIN table privilege (VACUUM, ANALYZE, REINDEX, ... by grant).
    MaintainPrivilege,
    /// NOT NULL constraints are rows of `pg_constraint` (contype `n`), with names.
    NotNullConstraints,
    /// `GENERATED ALWAYS AS (...) VIRTUAL` columns.
    VirtualGeneratedColumns,
}

impl Feature {
    /// The first `server_version_num` that has it.
    pub fn since(self) -> u32 {
        match self {
            Feature::SecurityInvoker | Feature::NullsNotDistinct | Feature::ForceStatsFlush => {
                150_000
            }
            Feature::LastScanTimes => 160_000,
            Feature::PartitionIdentity | Feature::MaintainPrivilege => 170_000,
            Feature::NotNullConstraints | Feature::VirtualGeneratedColumns => 180_000,
        }
    }

    /// Whether a server of this version has the feature.
    pub fn in_version(self, server_version_num: u32) -> bool {
        server_version_num >= self.since()
    }

    /// The major version that introduced it, for messages: "PostgreSQL 15".
    pub fn major(self) -> u32 {
        self.since() / 10_000
    }
}

impl Catalog {
    /// Whether the source's server has a feature. Offline sources have no server: they are
    /// read as the newest supported version, since their SQL already parsed.
    pub fn has(&self, feature: Feature) -> bool {
        self.meta
            .server_version_num
            .is_none_or(|v| feature.in_version(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_follow_the_release_notes() {
        assert!(!Feature::SecurityInvoker.in_version(140_011));
        assert!(Feature::SecurityInvoker.in_version(150_000));
        assert!(!Feature::NotNullConstraints.in_version(170_009));
        assert!(Feature::NotNullConstraints.in_version(180_000));
        assert_eq!(Feature::SecurityInvoker.major(), 15);
        let mut catalog = Catalog::default();
        assert!(
            catalog.has(Feature::VirtualGeneratedColumns),
            "offline: newest"
        );
        catalog.meta.server_version_num = Some(130_023);
        assert!(!catalog.has(Feature::SecurityInvoker));
    }
}
