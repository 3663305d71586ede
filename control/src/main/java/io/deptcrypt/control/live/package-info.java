/** What is live: KMS keys, aliases and policies read as the key admin, and the last applied governance version. */
package io.deptcrypt.control.live;
