package auth

// CleanupArgs is the periodic job that deletes expired sessions, tokens and codes
// (Service.Cleanup). It carries nothing: jobs carry ids only, and this one needs none.
type CleanupArgs struct{}

// Kind names the job.
func (CleanupArgs) Kind() string { return "auth.cleanup" }
