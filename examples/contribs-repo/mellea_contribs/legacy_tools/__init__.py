"""Legacy flat package kept until its migration."""
