package site

// ContentErr returns the problems loading the content as an *InputError,
// or nil when every file loaded cleanly.
func (l *Loaded) ContentErr() error {
	if len(l.Content.Errors) == 0 {
		return nil
	}
	errs := make([]error, len(l.Content.Errors))
	for i, e := range l.Content.Errors {
		errs[i] = e
	}
	return inputErr(errs...)
}
