/** A load driver that measures the broker over real mTLS; run by hand, not as a test. */
@NullMarked
package dev.warden.broker.load;

import org.jspecify.annotations.NullMarked;
