"""The latent map shared by the Explorer and Compare tabs: drawing, picking, controls, overlays."""
