// Types of the values Docket's Tauri commands take and return. They are generated from the Rust types by
// ts-rs into ./generated (never edit those files; `cargo test` fails when they are stale, and
// `DOCKET_WRITE_TYPES=1 cargo test --workspace --all-targets generated_typescript` rewrites them). This
// module only re-exports them under the names the UI uses.

export type { AppInfo } from './generated/AppInfo';
export type { ConnectorOverview } from './generated/ConnectorOverview';
export type { ConnectorSettings } from './generated/ConnectorSettings';
export type { DayCount } from './generated/DayCount';
export type { ChatCoverage } from './generated/ChatCoverage';
export type { CoverageGap } from './generated/CoverageGap';
export type { EntraApp } from './generated/EntraApp';
export type { LedgerRow } from './generated/LedgerRow';
export type { SavedConnector } from './generated/SavedConnector';
export type { Schedule } from './generated/Schedule';
export type { SchedulerEvent } from './generated/SchedulerEvent';
export type { DateOrder } from './generated/DateOrder';
export type { ErrorCode } from './generated/ErrorCode';
export type { RunPlan } from './generated/RunPlan';
export type { PlanTarget } from './generated/PlanTarget';
export type { CloudName } from './generated/CloudName';
export type { IpcError } from './generated/IpcError';
export type { Text } from './generated/Text';
export type { Arg } from './generated/Arg';
export type { KeychainStatus } from './generated/KeychainStatus';
export type { MappingReport } from './generated/MappingReport';
export type { PreviewItem } from './generated/PreviewItem';
export type { ProbeReport } from './generated/ProbeReport';
export type { Immutability } from './generated/Immutability';
export type { Progress } from './generated/Progress';
export type { RoutedItem } from './generated/RoutedItem';
export type { RowProblem } from './generated/RowProblem';
export type { RunRecord } from './generated/RunRecord';
export type { RunSummary } from './generated/RunSummary';
export type { TargetCounts } from './generated/TargetCounts';
export type { SecretName } from './generated/SecretName';
export type { SecretStatus } from './generated/SecretStatus';
export type { SourceKind } from './generated/SourceKind';
export type { SourcePreview } from './generated/SourcePreview';
export type { StoredSecret } from './generated/StoredSecret';
export type { RateLimitStatus } from './generated/RateLimitStatus';
export type { XAccount } from './generated/XAccount';
export type { BotCheck } from './generated/BotCheck';
