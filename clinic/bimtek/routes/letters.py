"""The invitation letter (surat undangan) of an event as PDF, for staff to check and print."""
from flask import Response, abort

from clinic.access import roles_required
from clinic.bimtek import access, bp
from clinic.bimtek.services.letter import invitation_letter_pdf, letter_filename
from clinic.web import actor


@bp.route("/<int:event_id>/surat-undangan.pdf", methods=["GET"])
@roles_required("admin", "staff", "trainer", "contact")
def invitation_letter(event_id):
    user = actor()
    if user.role not in access.STAFF:
        abort(404)  # the letter is the office's draft until it is mailed
    event = access.get_event_or_404(event_id, user)
    return Response(invitation_letter_pdf(event), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{letter_filename(event)}"'})
