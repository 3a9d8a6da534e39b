package workflow

import "strings"

// normalise makes tenant ids comparable: Microsoft treats them case-insensitively.
func normalise(id string) string { return strings.ToLower(strings.TrimSpace(id)) }
