/** The operations each provider's uploadMedia calls: a change to any of them means the flow code needs a look. */
export const UPLOAD_FLOW_OPERATIONS = {
  fanvue: [
    "POST /media/uploads",
    "POST /creators/{creatorUserUuid}/media/uploads",
    "GET /media/uploads/{uploadId}/parts/{partNumber}/url",
    "GET /creators/{creatorUserUuid}/media/uploads/{uploadId}/parts/{partNumber}/url",
    "PATCH /media/uploads/{uploadId}",
    "PATCH /creators/{creatorUserUuid}/media/uploads/{uploadId}",
    "GET /media/{uuid}",
    "GET /creators/{creatorUserUuid}/media/{uuid}",
  ],
  ofauth: [
    "POST /v2/access/uploads/init",
    "PUT /v2/access/uploads/{mediaUploadId}",
    "PUT /v2/access/uploads/{mediaUploadId}/parts/{partNumber}",
    "POST /v2/access/uploads/complete",
    "POST /v2/access/uploads/check",
  ],
  record360: ["GET /api/users/multipart_upload_start/{file_id}", "POST /api/users/multipart_upload_complete/{file_id}"],
  flowkiwi: ["POST /rest/api/medias", "GET /rest/api/medias", "GET /rest/api/medias/{id}", "DELETE /rest/api/medias/{id}"],
};
