package io.deptcrypt.localkms.policy;

/**
 * An authenticated caller: a governance application and the IAM role it runs as.
 *
 * @param name    the application name from governance (e.g. {@code finance-consumer})
 * @param arn     its role ARN, the principal key policies and grants name
 * @param account the account the role belongs to
 */
public record Principal(String name, String arn, String account) {}
