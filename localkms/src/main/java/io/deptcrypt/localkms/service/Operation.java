package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.Principal;

/** One operation's handler: validates the request, authorizes the caller, acts, fills in the audit entry, answers. */
@FunctionalInterface
public interface Operation {

    /** @throws KmsException with the AWS error to answer */
    ObjectNode handle(Principal caller, KmsRequest request, AuditEntry audit);
}
