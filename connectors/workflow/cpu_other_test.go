//go:build !unix

package workflow_test

import "time"

// processCPU is not measured here; the CPU rows then read 0.
func processCPU() time.Duration { return 0 }
