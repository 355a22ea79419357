"""Email into consultations: parsing .eml/.msg, drafts, the proposal page, the capture mail server."""
