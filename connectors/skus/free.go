package skus

import "strings"

// freeSku is one entry of the curated list: a SKU that costs nothing (free,
// self-service "viral" sign-ups, developer plans) or is a time-limited trial.
// Tenants collect these when users sign themselves up, and they show
// thousands of "available" units that no one pays for, so MSPs hide them
// from billing views.
//
// The id is written out, not looked up by part number, so that a SKU which
// Microsoft drops from a future licensing CSV is still recognised in tenants
// that have it; a test checks every entry against the catalogue. Entries
// were chosen by hand from the CSV: a SKU is listed only when its name or
// part number says free, trial or viral, or its service plans are the
// free/trial variants. Where it was unclear whether a SKU is billed (Teams
// Exploratory Dept, the E3/E5 developer packs, "(Preview)" SKUs) it is left
// out on purpose: hiding a billable SKU is worse than showing a free one.
type freeSku struct {
	id, partNumber, reason string
}

var freeSkus = []freeSku{
	{"fcecd1f9-a91e-488d-a918-a96cdb6ce2b0", "AX7_USER_TRIAL", "Dynamics AX7 user trial."},
	{"606b54a9-78d8-4298-ad8b-df6ef4481c80", "CCIBOTS_PRIVPREV_VIRAL", "Power Virtual Agents viral trial from a self-service sign-up."},
	{"9c7bff7a-3715-4da7-88d3-07f57f8d0fb6", "D365_SALES_PRO_IW", "Dynamics 365 Sales Professional trial for information workers."},
	{"61e6bd70-fbdb-4deb-82ea-912842f39431", "DYN365_AI_SERVICE_INSIGHTS", "Dynamics 365 Customer Service Insights trial."},
	{"036c2481-aa8a-47cd-ab43-324f0c157c2d", "DYN365_CUSTOMER_INSIGHTS_VIRAL", "Dynamics 365 Customer Insights viral trial."},
	{"338148b6-1b11-4102-afb9-f92b6cdc0f8d", "DYN365_ENTERPRISE_P1_IW", "Dynamics 365 P1 trial for information workers."},
	{"7ed4877c-0863-4f69-9187-245487128d4f", "DYN365_REGULATORY_SERVICE", "Dynamics 365 Regulatory Service trial."},
	{"1508ad2d-5802-44e6-bfe8-6fb65de63d28", "DYN365_RETAIL_TRIAL", "Dynamics 365 Commerce trial."},
	{"94a6fbd4-6a2f-4990-b356-dc7dd8bed08a", "Dynamics_365_Customer_Service_Enterprise_admin_trial", "Dynamics 365 Customer Service Enterprise admin trial."},
	{"1e615a51-59db-4807-9957-aa83c3657351", "Dynamics_365_Customer_Service_Enterprise_viral_trial", "Dynamics 365 Customer Service Enterprise viral trial."},
	{"29fcd665-d8d1-4f34-8eed-3811e3fca7b3", "Dynamics_365_Field_Service_Enterprise_viral_trial", "Dynamics 365 Field Service viral trial."},
	{"99cb3f83-fbec-4aa1-8262-9679e6df7c53", "Dynamics_365_Guides_vTrial", "Dynamics 365 Guides viral trial."},
	{"6ec92958-3cc1-49db-95bd-bc6b3798df71", "Dynamics_365_Sales_Premium_Viral_Trial", "Dynamics 365 Sales Premium viral trial."},
	{"f30db892-07e9-47e9-837c-80727f46fd3d", "FLOW_FREE", "Power Automate Free: self-service sign-up at no cost."},
	{"bc946dac-7877-4271-b2f7-99d2db13cd2c", "FORMS_PRO", "Dynamics 365 Customer Voice trial."},
	{"726a0894-2c77-4d65-99da-9775ef05aad1", "MICROSOFT_BUSINESS_CENTER", "Microsoft Business Center access, granted at no cost."},
	{"74fbf1bb-47c6-4796-9623-77dc7371723b", "MS_TEAMS_IW", "Microsoft Teams trial."},
	{"556640c0-53ea-4773-907d-29c55332983f", "Microsoft_Cloud_for_Sustainability_vTrial", "Microsoft Cloud for Sustainability viral trial."},
	{"5b631642-bd26-49fe-bd20-1daaa972ef80", "POWERAPPS_DEV", "Power Apps Developer Plan: free, for building and testing."},
	{"87bbbc60-4754-4998-8c88-227dca264858", "POWERAPPS_INDIVIDUAL_USER", "Power Apps and Logic Flows individual plan: only the free service plans."},
	{"bf666882-9c9b-4b2e-aa2f-4789b0a52ba2", "POWERAPPS_PER_APP_IW", "Power Apps per-app baseline access: only trial service plans."},
	{"dcb1a3ae-b33f-4487-846a-a640262fadf4", "POWERAPPS_VIRAL", "Power Apps Plan 2 trial from a self-service sign-up."},
	{"a403ebcc-fae0-4ca2-8c8c-7a907fd6c235", "POWER_BI_STANDARD", "Microsoft Fabric (Free), formerly Power BI (free)."},
	{"ade29b5f-397e-4eb9-a287-0344bd46c68d", "POWER_BI_STANDARD_FACULTY", "Microsoft Fabric (Free) for faculty."},
	{"bdcaf6aa-04c1-4b8f-b64e-6e3bd505ac64", "POWER_BI_STANDARD_STUDENT", "Microsoft Fabric (Free) for students."},
	{"6a4a1628-9b9a-424d-bed5-4118f0ede3fd", "PROJECT_MADEIRA_PREVIEW_IW_SKU", "Dynamics 365 Business Central for IWs: free self-service sign-up."},
	{"3f9f06f5-3c31-472c-985f-62d9c10ec167", "Power_Pages_vTrial_for_Makers", "Power Pages viral trial for makers."},
	{"8c4ce438-32a7-4ac5-91a6-e22ae08d9c8b", "RIGHTSMANAGEMENT_ADHOC", "Rights Management ad hoc: free self-service sign-up for individuals."},
	{"093e8d14-a334-43d9-93e3-30589a8b47d0", "RMSBASIC", "Rights Management basic content protection, provisioned at no cost."},
	{"3a256e9a-15b6-4092-b0dc-82993f4debc6", "SKU_Dynamics_365_for_HCM_Trial", "Dynamics 365 for Talent (HCM) trial."},
	{"90d8b3f8-712e-4f7b-aa1e-62e7ae6cbe96", "SMB_APPS", "Business Apps (free): Bookings and Invoicing at no cost."},
	{"8f0c5670-4e56-4892-b06d-91c085d7004f", "SPZA_IW", "App Connect for information workers: free self-service sign-up."},
	{"1f2f344a-700d-42c9-9427-5cea1d5d7ba6", "STREAM", "Microsoft Stream (Classic) trial from a self-service sign-up."},
	{"29a2f828-8f39-4837-b8ff-c957e86abe3c", "TEAMS_COMMERCIAL_TRIAL", "Microsoft Teams Commercial Cloud trial."},
	{"710779e8-3d4a-4c88-adb9-386c958d1fdf", "TEAMS_EXPLORATORY", "Microsoft Teams Exploratory: free self-service Teams experience."},
	{"16ddbbfc-09ea-4de2-b1d7-312db6112d70", "TEAMS_FREE", "Microsoft Teams (Free)."},
	{"6470687e-a428-4b7a-bef2-8a291ad947c9", "WINDOWS_STORE", "Microsoft Store for Business: free."},
	{"c7e9d9e6-1981-4bf3-bb50-a5bdfaa06fb2", "WSFB_EDU_FACULTY", "Microsoft Store for Business for education faculty: free."},
}

// lookupFree finds the curated entry for a SKU by id or, when the id is
// unknown or empty, by part number (Partner Center and distributors often
// give only one of the two). Both ignore case and surrounding white space.
func lookupFree(id, partNumber string) (freeSku, bool) {
	id, part := idKey(id), partKey(partNumber)
	if id != "" {
		for _, f := range freeSkus {
			if f.id == id {
				return f, true
			}
		}
	}
	if part != "" {
		for _, f := range freeSkus {
			if strings.ToLower(f.partNumber) == part {
				return f, true
			}
		}
	}
	return freeSku{}, false
}

// FreeOrTrial reports whether the SKU is a free or trial/viral SKU that MSPs
// usually hide from billing views. It matches the curated list by skuId or
// by skuPartNumber, ignoring case; either may be empty. A SKU not on the
// list is reported as billable, since hiding a paid SKU would hide money.
func FreeOrTrial(id, partNumber string) bool {
	_, ok := lookupFree(id, partNumber)
	return ok
}

// FreeOrTrialReason returns the one-line reason a SKU is on the free and
// trial list (for a settings screen or a tooltip), matched as FreeOrTrial
// matches; ok is false, and the reason empty, for any other SKU.
func FreeOrTrialReason(id, partNumber string) (reason string, ok bool) {
	f, ok := lookupFree(id, partNumber)
	return f.reason, ok
}

// FreeAndTrial returns the curated list of free and trial SKUs in part
// number order, with names from the catalogue (the part number stands in
// for a SKU the catalogue no longer has). FreeOrTrialReason gives each
// entry's reason. The slice is a fresh copy on every call.
func FreeAndTrial() []Sku {
	out := make([]Sku, 0, len(freeSkus))
	for _, f := range freeSkus {
		s := Sku{ID: f.id, PartNumber: f.partNumber, Name: f.partNumber}
		if c, ok := ByID(f.id); ok && c.Name != "" {
			s.Name = c.Name
		}
		out = append(out, s)
	}
	return out
}
