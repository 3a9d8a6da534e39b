package reconcile

// Mappings are every match the engineer and the automatic passes made, of
// the three kinds; the store keeps them and each pass takes them back as its
// previous state.
type Mappings struct {
	Accounts []AccountMapping `json:"accounts"`
	Products []ProductMatch   `json:"products"`
	Skus     []SkuTie         `json:"skus"`
}
