package connectors

import "time"

// WriteOutcome is how one PSA write ended.
type WriteOutcome string

// The outcomes of a PSA write. WritePending is an intent recorded before the
// write was sent whose outcome is not known yet: after a crash the next apply
// resolves it by re-reading the line, so nothing is ever written twice.
const (
	WritePending     WriteOutcome = "pending"
	WriteApplied     WriteOutcome = "applied"
	WriteSkipped     WriteOutcome = "skipped"     // the line no longer held the planned old quantity
	WriteFailed      WriteOutcome = "failed"      // the PSA refused or could not be reached; nothing changed
	WriteUnconfirmed WriteOutcome = "unconfirmed" // sent, but whether it happened could not be learned
)

// PSAWrite is one change seats made (or tried, or skipped) in the PSA: first
// recorded as an intent (WritePending) before anything is sent, then
// completed with its outcome. It is the audit log's entry.
type PSAWrite struct {
	ID     uint64 `json:"id"` // assigned by the store, increasing
	PlanID string `json:"plan_id"`
	PSA    string `json:"psa"` // registry name: "connectwise"...
	// Who: the operating-system user and the signed-in Microsoft account.
	OSUser           string `json:"os_user"`
	MicrosoftAccount string `json:"microsoft_account,omitempty"`

	TenantID string  `json:"tenant_id"`
	Customer string  `json:"customer"`
	SkuID    string  `json:"sku_id,omitempty"`
	Product  string  `json:"product"`
	Term     Term    `json:"term,omitempty"`
	Line     LineRef `json:"line"`
	ItemID   string  `json:"item_id,omitempty"`
	Before   int     `json:"before"`
	After    int     `json:"after"`

	Timing        ApplyTiming `json:"timing,omitempty"`
	EffectiveDate time.Time   `json:"effective_date,omitzero"`

	Outcome    WriteOutcome `json:"outcome"`
	Reason     string       `json:"reason,omitempty"` // why skipped, failed or unconfirmed
	StartedAt  time.Time    `json:"started_at"`
	FinishedAt time.Time    `json:"finished_at,omitzero"`
}
