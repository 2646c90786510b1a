// Package report writes CI reports of a run: a JUnit XML file that test
// reporters of GitLab, Jenkins and GitHub read, and a Markdown summary for
// GitHub's job summary or any Markdown viewer. Each writer is a
// event.Handler that writes its file once, in Finish, from the run's
// Summary: also when the run failed or was interrupted.
package report
