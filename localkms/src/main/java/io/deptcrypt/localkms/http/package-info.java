/**
 * The wire: the AWS JSON 1.1 HTTP handler (body limits, JSON parsing, AWS-shaped errors, one audit line per call)
 * and the SigV4 verifier that turns a signed request into the access key, and so the principal, that signed it.
 */
package io.deptcrypt.localkms.http;
