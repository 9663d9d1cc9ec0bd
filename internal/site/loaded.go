package site

// ContentErr returns the problems loading the content as an *InputError,
// or nil when every file loaded cleanly.
func (l *Input) ContentErr() error {
	if len(l.Content.Errors) == 0 {
		return nil
	}
	return &InputError{Problems: l.Content.Errors}
}
