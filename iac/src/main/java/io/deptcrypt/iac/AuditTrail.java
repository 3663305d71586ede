package io.deptcrypt.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The governance stack's audit trail: a CloudTrail trail of the region's management events (every KMS call on the
 * department keys among them: Decrypt and GenerateDataKey with their encryption context, who called, allowed or
 * denied, and every PutKeyPolicy, ScheduleKeyDeletion, CreateGrant), delivered to a private, versioned bucket kept
 * when the stack goes. It answers in AWS what {@code ./deptcrypt audit} answers locally (docs/deploy-aws.md).
 */
final class AuditTrail {

    static final String BUCKET = "KmsAuditTrailBucket";
    static final String BUCKET_POLICY = "KmsAuditTrailBucketPolicy";
    static final String TRAIL = "KmsAuditTrail";

    private AuditTrail() {}

    static void addTo(ObjectNode resources, ObjectNode outputs, String namePrefix) {
        ObjectNode bucket = resources.putObject(BUCKET);
        bucket.put("Type", "AWS::S3::Bucket");
        bucket.put("DeletionPolicy", "Retain");
        bucket.put("UpdateReplacePolicy", "Retain");
        ObjectNode bp = bucket.putObject("Properties");
        bp.putObject("BucketEncryption").putArray("ServerSideEncryptionConfiguration").addObject()
                .putObject("ServerSideEncryptionByDefault").put("SSEAlgorithm", "AES256");
        bp.putObject("PublicAccessBlockConfiguration").put("BlockPublicAcls", true).put("BlockPublicPolicy", true)
                .put("IgnorePublicAcls", true).put("RestrictPublicBuckets", true);
        bp.putObject("VersioningConfiguration").put("Status", "Enabled");
        bp.putObject("OwnershipControls").putArray("Rules").addObject().put("ObjectOwnership", "BucketOwnerEnforced");

        String trailArn = "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/" + namePrefix + "-kms-audit";
        ObjectNode policy = resources.putObject(BUCKET_POLICY);
        policy.put("Type", "AWS::S3::BucketPolicy");
        ObjectNode pp = policy.putObject("Properties");
        pp.set("Bucket", Documents.ref(BUCKET));
        ObjectNode doc = Statements.policy(null);
        ObjectNode acl = Statements.add(doc, service("CloudTrailChecksTheBucketAcl", "s3:GetBucketAcl",
                Documents.getAtt(BUCKET, "Arn")));
        Statements.condition(acl, "StringEquals", "aws:SourceArn", Documents.sub(trailArn));
        ObjectNode put = Statements.add(doc, service("CloudTrailWritesItsLogs", "s3:PutObject",
                Documents.sub("${" + BUCKET + ".Arn}/AWSLogs/${AWS::AccountId}/*")));
        Statements.condition(put, "StringEquals", "aws:SourceArn", Documents.sub(trailArn));
        ObjectNode tls = doc.withArray("Statement").addObject();
        tls.put("Sid", "DenyInsecureTransport").put("Effect", "Deny").put("Principal", "*");
        tls.set("Action", Documents.array("s3:*"));
        ArrayNode res = tls.putArray("Resource");
        res.add(Documents.getAtt(BUCKET, "Arn"));
        res.add(Documents.sub("${" + BUCKET + ".Arn}/*"));
        tls.putObject("Condition").putObject("Bool").put("aws:SecureTransport", "false");
        pp.set("PolicyDocument", doc);

        ObjectNode trail = resources.putObject(TRAIL);
        trail.put("Type", "AWS::CloudTrail::Trail");
        trail.set("DependsOn", Documents.array(BUCKET_POLICY));
        ObjectNode tp = trail.putObject("Properties");
        tp.put("TrailName", namePrefix + "-kms-audit");
        tp.set("S3BucketName", Documents.ref(BUCKET));
        tp.put("IsLogging", true);
        tp.put("EnableLogFileValidation", true);
        tp.put("IncludeGlobalServiceEvents", false);
        tp.put("IsMultiRegionTrail", false);
        tp.putArray("EventSelectors").addObject().put("IncludeManagementEvents", true).put("ReadWriteType", "All");

        ObjectNode out = outputs.putObject("KmsAuditTrailBucketName");
        out.put("Description", "S3 bucket of the CloudTrail trail recording every KMS call (docs/deploy-aws.md: the query)");
        out.set("Value", Documents.ref(BUCKET));
    }

    private static ObjectNode service(String sid, String action, JsonNode resource) {
        ObjectNode s = Documents.object().put("Sid", sid).put("Effect", "Allow");
        s.putObject("Principal").put("Service", "cloudtrail.amazonaws.com");
        s.set("Action", Documents.array(action));
        s.set("Resource", resource);
        return s;
    }
}
