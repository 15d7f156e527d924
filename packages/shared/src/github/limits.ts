/**
 * GitHub's size limits on what the actions write. A write over one is refused with 422 every time,
 * so the actions check their texts against them before the first write of a run.
 */

/** Label names. */
export const LABEL_MAX_LENGTH = 50

/** Issue and pull request titles. */
export const TITLE_MAX_LENGTH = 256

/** Bodies of issues, pull requests and comments. */
export const BODY_MAX_LENGTH = 65_536
