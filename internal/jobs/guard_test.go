package jobs

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

type leakyArgs struct {
	MessageID string `json:"message_id"`
	Token     string `json:"token"`
}

func (leakyArgs) Kind() string { return "test.leaky" }

type nestedArgs struct {
	MessageID string `json:"message_id"`
	Recipient struct {
		AccountID string `json:"account_id"`
		Subject   string `json:"subject,omitempty"`
	} `json:"recipient"`
}

func (nestedArgs) Kind() string { return "test.nested" }

type mapArgs struct {
	Extra map[string]string `json:"extra"`
}

func (mapArgs) Kind() string { return "test.map" }

type listArgs struct {
	IDs []string `json:"ids"`
}

func (listArgs) Kind() string { return "test.list" }

type embeddedSecret struct {
	Password string `json:"password,omitempty"`
}

type embeddingArgs struct {
	embeddedSecret
	AccountID string `json:"account_id"`
}

func (embeddingArgs) Kind() string { return "test.embedding" }

type untaggedArgs struct {
	AccountID string
	Secret    string `json:"-"` // never encoded: allowed
}

func (untaggedArgs) Kind() string { return "test.untagged" }

func TestCheckArgs(t *testing.T) {
	var nested nestedArgs
	nested.Recipient.Subject = "Your lab results"
	for name, args := range map[string]Args{
		"top-level token":   leakyArgs{MessageID: "m1", Token: "t0k3n"},
		"empty token":       leakyArgs{MessageID: "m1"},
		"nested subject":    nested,
		"map key":           mapArgs{Extra: map[string]string{"sms_code": "123456"}},
		"long string":       listArgs{IDs: []string{strings.Repeat("a", maxArgString+1)}},
		"embedded password": embeddingArgs{embeddedSecret: embeddedSecret{Password: "pw"}},
		"nil":               nil,
		"pointer to leaky":  &leakyArgs{MessageID: "m1"},
		"map key body":      mapArgs{Extra: map[string]string{"body": ""}},
	} {
		t.Run(name, func(t *testing.T) {
			err := checkArgs(args)
			if !errors.Is(err, ErrUnsafeArgs) {
				t.Fatalf("err = %v, want ErrUnsafeArgs", err)
			}
			for _, secret := range []string{"t0k3n", "Your lab results", "123456"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error repeats a value: %v", err)
				}
			}
		})
	}
	var ok nestedArgs
	ok.MessageID, ok.Recipient.AccountID = "m1", "a1"
	for name, args := range map[string]Args{
		"ids only":       ok,
		"id list":        listArgs{IDs: []string{"01a", "01b"}},
		"harmless map":   mapArgs{Extra: map[string]string{"region": "eu-north"}},
		"json dash":      untaggedArgs{AccountID: "a1", Secret: "never encoded"},
		"omitted secret": embeddingArgs{AccountID: "a1"},
	} {
		if err := checkArgs(args); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckArgsType(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[leakyArgs](), reflect.TypeFor[nestedArgs](), reflect.TypeFor[embeddingArgs](),
	} {
		if err := checkArgsType(typ); !errors.Is(err, ErrUnsafeArgs) {
			t.Errorf("%s: err = %v, want ErrUnsafeArgs", typ, err)
		}
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[listArgs](), reflect.TypeFor[mapArgs](), reflect.TypeFor[untaggedArgs](),
	} {
		if err := checkArgsType(typ); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}
