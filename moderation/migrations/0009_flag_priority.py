from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0008_contact_values_access_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="priority",
            field=models.CharField(
                choices=[("high", "High"), ("low", "Low")], default="high", max_length=4
            ),
        ),
    ]
