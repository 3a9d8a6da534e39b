package msfake

import "slices"

// cloneWorld deep-copies a world, so that what a test inspects cannot race
// with what the server changes.
func cloneWorld(w *World) World {
	out := *w
	out.SigningKey = slices.Clone(w.SigningKey)
	out.Partner.Users = slices.Clone(w.Partner.Users)
	out.Customers = make([]Customer, len(w.Customers))
	for i, c := range w.Customers {
		out.Customers[i] = cloneCustomer(c)
	}
	if w.Customers == nil {
		out.Customers = nil
	}
	cloneDirectory(&out, w)
	return out
}

func cloneCustomer(c Customer) Customer {
	out := c
	out.GDAP = make([]Relationship, len(c.GDAP))
	for i, rel := range c.GDAP {
		rel.Roles = slices.Clone(rel.Roles)
		rel.AssignedRoles = slices.Clone(rel.AssignedRoles)
		out.GDAP[i] = rel
	}
	if c.GDAP == nil {
		out.GDAP = nil
	}
	if c.Consent != nil {
		consent := *c.Consent
		consent.Scopes = slices.Clone(c.Consent.Scopes)
		out.Consent = &consent
	}
	out.AppConsents = cloneConsents(c.AppConsents)
	out.Skus = make([]Sku, len(c.Skus))
	for i, sku := range c.Skus {
		sku.SubscriptionIDs = slices.Clone(sku.SubscriptionIDs)
		out.Skus[i] = sku
	}
	if c.Skus == nil {
		out.Skus = nil
	}
	out.Subscriptions = slices.Clone(c.Subscriptions)
	out.Users = make([]User, len(c.Users))
	for i, u := range c.Users {
		u.Licenses = slices.Clone(u.Licenses)
		out.Users[i] = u
	}
	if c.Users == nil {
		out.Users = nil
	}
	return out
}
