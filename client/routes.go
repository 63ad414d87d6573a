package client

import (
	"fmt"
	"net/url"
)

// The server's routes (docs/api.md), all under /api/v1/orgs/{org}.

func orgPath(org string) string { return "/api/v1/orgs/" + url.PathEscape(org) }

func directoryPath(org string) string { return orgPath(org) + "/directory" }
func casesPath(org string) string     { return orgPath(org) + "/cases" }

func casePath(org, id string) string { return casesPath(org) + "/" + url.PathEscape(id) }

func filePath(base, fileID string) string { return base + "/files/" + url.PathEscape(fileID) }

func chunkPath(base, fileID string, n uint32) string {
	return fmt.Sprintf("%s/chunks/%d", filePath(base, fileID), n)
}

func referentPath(org string) string { return orgPath(org) + "/referent" }

func referentCasePath(org, id string) string {
	return referentPath(org) + "/cases/" + url.PathEscape(id)
}

func invitationPath(org, lookup string) string {
	return orgPath(org) + "/invitations/" + url.PathEscape(lookup)
}
