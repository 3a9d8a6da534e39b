package skus_test

import (
	"fmt"

	"github.com/seats-msp/seats/connectors/skus"
)

func ExampleByID() {
	s, ok := skus.ByID("CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46")
	fmt.Println(ok, s.PartNumber, s.Name)
	// Output: true SPB Microsoft 365 Business Premium
}

func ExampleByPartNumber() {
	for _, s := range skus.ByPartNumber("MCOPSTN5") {
		fmt.Println(s.ID, s.Name)
	}
	// Output:
	// 54a152dc-90de-4996-93d2-bc47e670fc06 Skype for Business PSTN Domestic Calling (120 Minutes)
	// d43177b5-475b-4880-92d4-d54c27b5efbd Skype for Business PSTN Calling Domestic Small
}

func ExampleDisplayName() {
	fmt.Println(skus.DisplayName("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "SPB"))
	fmt.Println(skus.DisplayName("00000000-0000-0000-0000-000000000000", "NEW_SKU"))
	// Output:
	// Microsoft 365 Business Premium
	// NEW_SKU
}

func ExampleFreeOrTrial() {
	fmt.Println(skus.FreeOrTrial("", "FLOW_FREE"))
	fmt.Println(skus.FreeOrTrial("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "SPB"))
	reason, _ := skus.FreeOrTrialReason("", "TEAMS_EXPLORATORY")
	fmt.Println(reason)
	// Output:
	// true
	// false
	// Microsoft Teams Exploratory: free self-service Teams experience.
}
