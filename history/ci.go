package history

import "github.com/ansible-tap/ansible-tap/internal/redact"

// DetectCI names the CI job a run belongs to, from the environment that
// getenv reads (os.Getenv): GitHub Actions (the workflow run's page,
// GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID), GitLab
// CI (CI_JOB_URL, else CI_PIPELINE_URL) or Jenkins (BUILD_URL). Outside CI
// it returns the zero CI. A URL that is not http(s) is left out, and one
// with user info loses it.
func DetectCI(getenv func(string) string) CI {
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		server, repo, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")
		ci := CI{System: "github-actions"}
		if server != "" && repo != "" && id != "" {
			ci.URL = webURL(server + "/" + repo + "/actions/runs/" + id)
		}
		return ci
	case getenv("GITLAB_CI") == "true":
		job := getenv("CI_JOB_URL")
		if job == "" {
			job = getenv("CI_PIPELINE_URL")
		}
		return CI{System: "gitlab-ci", URL: webURL(job)}
	case getenv("BUILD_URL") != "" || getenv("JENKINS_URL") != "":
		return CI{System: "jenkins", URL: webURL(getenv("BUILD_URL"))}
	}
	return CI{}
}

// webURL returns raw when it is an http(s) URL, without user info; else "".
func webURL(raw string) string {
	u, err := redact.HTTPURL(raw)
	if err != nil {
		return ""
	}
	u.User = nil
	return u.String()
}
