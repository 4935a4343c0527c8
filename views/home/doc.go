// Package home holds the start page that people who are not logged in see.
package home
