package msfake

import "strings"

// relRef locates one GDAP relationship in the world.
type relRef struct{ customer, rel int }

// reindex rebuilds the lookups by tenant and by relationship. Call with
// the lock held (or before the Server is shared), after any change to the
// world's customers or relationships.
func (s *Server) reindex() {
	s.byTenant = make(map[string]int, 2*len(s.w.Customers))
	s.relIndex = map[string]relRef{}
	for i := range s.w.Customers {
		c := &s.w.Customers[i]
		if c.TenantID != "" {
			s.byTenant[strings.ToLower(c.TenantID)] = i
		}
		if c.Domain != "" {
			if _, taken := s.byTenant[strings.ToLower(c.Domain)]; !taken {
				s.byTenant[strings.ToLower(c.Domain)] = i
			}
		}
		for j, rel := range c.GDAP {
			s.relIndex[rel.ID] = relRef{customer: i, rel: j}
		}
	}
}

// customerBySegment finds a customer by tenant id or domain, without case.
// Call with the lock held.
func (s *Server) customerBySegment(seg string) (*Customer, bool) {
	i, ok := s.byTenant[strings.ToLower(seg)]
	if !ok || i >= len(s.w.Customers) {
		return nil, false
	}
	return &s.w.Customers[i], true
}
