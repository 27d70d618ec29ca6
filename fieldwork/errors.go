package fieldwork

import "fmt"

// InputError is a request the rules refuse (nothing failed: the input cannot be served,
// e.g. stations that no street joins). Its message is meant for the user as it is.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

func inputErrorf(format string, a ...any) error { return &InputError{msg: fmt.Sprintf(format, a...)} }

// FieldError names one invalid field of an input and why.
type FieldError struct {
	Field   string
	Message string
}
