/** A stored part, as the complete call needs it. */
export interface CompletedPart {
  /** The part's number (1-based). */
  partNumber: number;
  /** The ETag the store answered, as complete calls want it. */
  etag: string;
  /** MD5 (hex) of the bytes sent, recorded so a resume can prove the source still has them. */
  md5?: string | undefined;
}
