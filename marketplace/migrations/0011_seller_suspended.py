
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0010_contact_as_work'),
    ]

    operations = [
        migrations.AlterField(
            model_name='orderevent',
            name='kind',
            field=models.CharField(choices=[('placed', 'Order placed'), ('requirements_sent', 'Requirements sent'), ('delivered', 'Delivered'), ('revision_requested', 'Revision requested'), ('completed', 'Completed'), ('cancelled', 'Cancelled'), ('disputed', 'Dispute opened'), ('resolved', 'Dispute resolved'), ('seller_suspended', 'Seller suspended')], max_length=24),
        ),
    ]
